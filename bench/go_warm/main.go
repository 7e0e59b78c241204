// Command go_warm times the Go binding's warm one-call detach (Precheck false, Wait false), the
// path of bench_warm's (b), against a server on loopback: Invoke with context.Background() (no
// watcher goroutine), with a cancellable context (one watcher goroutine a call), and with a log
// function (the plugin's detach_sent event reaches Go), alternating in rounds. Prints a table and one RESULT line (medians and p99 in microseconds).
//
// Usage: go_warm -plugin LIB -url URL [-rounds N] [-calls N]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	actionhost "github.com/actionhost/actionhost/bindings/go"
)

const params = `{"Region":"cn-wlcb","UHostId":"uhost-emu-stopped","UDiskId":"udisk-emu-data1",` +
	`"Device":"/dev/vdb","Precheck":false,"Wait":false}`

func median(v []float64) float64 { return quantile(v, 0.5) }

func quantile(v []float64, q float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	i := int(q * float64(len(s)))
	if i >= len(s) {
		i = len(s) - 1
	}
	return s[i]
}

func main() {
	plugin := flag.String("plugin", "", "the compshare-disk library")
	url := flag.String("url", "", "the server's base URL")
	rounds := flag.Int("rounds", 5, "rounds")
	calls := flag.Int("calls", 300, "calls per mode and round")
	flag.Parse()
	p, err := actionhost.Open(*plugin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	config := fmt.Sprintf(`{"public_key":"ucloudsomeone@example.com1296235120854146120",`+
		`"private_key":"46f09bb9fab4f12dfc160dae12273d5332b5debe","base_url":%q,"region":"cn-wlcb"}`, *url)
	// Without a log function (as bench_warm's (b), whose host takes no events) and with one.
	quiet, err := p.NewInstance([]byte(config), nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	logged, err := p.NewInstance([]byte(config), func(actionhost.Event) {})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// The answers are checked once: a wrong answer must not pass as a fast one.
	for _, instance := range []*actionhost.Instance{quiet, logged} {
		result, err := instance.Invoke(context.Background(), "detach", []byte(params))
		if err != nil || !strings.Contains(string(result), `"status":"detach_requested"`) {
			fmt.Fprintf(os.Stderr, "unexpected result %s (%v)\n", result, err)
			os.Exit(1)
		}
	}
	cancellable, cancel := context.WithCancel(context.Background())
	defer cancel()
	modes := []struct {
		name     string
		ctx      context.Context
		instance *actionhost.Instance
	}{{"background", context.Background(), quiet}, {"cancellable", cancellable, quiet},
		{"logged", context.Background(), logged}}
	samples := map[string][]float64{}
	failures := 0
	for round := 0; round < *rounds; round++ {
		for k := range modes {
			mode := modes[(round+k)%len(modes)]
			for i := 0; i < *calls; i++ {
				start := time.Now()
				_, err := mode.instance.Invoke(mode.ctx, "detach", []byte(params))
				samples[mode.name] = append(samples[mode.name], float64(time.Since(start).Nanoseconds())/1000)
				if err != nil {
					failures++
				}
			}
		}
	}
	quiet.Close()
	logged.Close()
	p.Close()
	fmt.Printf("== go binding (%s) - %d rounds, per-call microseconds ==\n", *url, *rounds)
	line := "RESULT go"
	for _, mode := range modes {
		v := samples[mode.name]
		fmt.Printf("%-40s %7d %9.1f %9.1f\n", "Invoke, "+mode.name+" context", len(v), median(v), quantile(v, 0.99))
		line += fmt.Sprintf(" go_%s_median=%.1f go_%s_p99=%.1f", mode.name, median(v), mode.name, quantile(v, 0.99))
	}
	fmt.Printf("%s failures=%d\n", line, failures)
	if failures > 0 {
		os.Exit(1)
	}
}
