// Command go-host runs one action of an actionhost plugin inside a Go program, through the
// actionhost Go binding: the plugin's log events are printed as they arrive (where a Temporal
// activity would heartbeat), SIGINT/SIGTERM or -timeout cancel the action through the ABI, and a
// failure's class (from the plugin's manifest) decides the exit code as actionhost's does.
//
// Usage: go-host [-config JSON] [-timeout DURATION] LIBRARY.so ACTION [PARAMS]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	actionhost "github.com/actionhost/actionhost/bindings/go"
)

var exitCodes = map[string]int{"usage": 2, "credentials": 3, "precondition": 4, "remote": 5,
	"transient": 6, "timeout": 7, "cancelled": 130}

func main() { os.Exit(run()) }

func run() int {
	config := flag.String("config", "", "the instance config (JSON)")
	timeout := flag.Duration("timeout", 0, "cancel the action after this long (0: never)")
	flag.Parse()
	if flag.NArg() < 2 || flag.NArg() > 3 {
		fmt.Fprintln(os.Stderr, "usage: go-host [-config JSON] [-timeout DURATION] LIBRARY.so ACTION [PARAMS]")
		return 2
	}
	params := "{}"
	if flag.NArg() == 3 {
		params = flag.Arg(2)
	}

	plugin, err := actionhost.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-host:", err)
		return 8
	}
	defer plugin.Close()
	var configJSON []byte
	if *config != "" {
		configJSON = []byte(*config)
	}
	instance, err := plugin.NewInstance(configJSON, func(e actionhost.Event) {
		fmt.Fprintf(os.Stderr, "event %s: %s\n", e.Name, e.Message) // a heartbeat, in an activity
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-host:", err)
		return 1
	}
	defer instance.Close()

	// A signal cancels the context, and the context cancels the plugin's invocation.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	started := time.Now()
	result, err := instance.Invoke(ctx, flag.Arg(1), []byte(params))
	var failure *actionhost.Error
	if errors.As(err, &failure) {
		fmt.Println(string(failure.Result))
		fmt.Fprintf(os.Stderr, "go-host: %v (class %s, retryable %t, after %v)\n", failure,
			failure.Class, failure.Retryable, time.Since(started).Round(time.Millisecond))
		if code, ok := exitCodes[failure.Class]; ok {
			return code
		}
		return 1
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-host:", err)
		return 1
	}
	fmt.Println(string(result))
	return 0
}
