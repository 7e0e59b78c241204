package actionhost_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	actionhost "github.com/actionhost/actionhost/bindings/go"
)

// CTest passes the built artefacts in the environment (see tests/bindings/CMakeLists.txt).
func need(t *testing.T, name string) string {
	t.Helper()
	value := os.Getenv(name)
	if value == "" {
		t.Fatalf("%s is not set (run these tests through ctest)", name)
	}
	return value
}

const (
	publicKey  = "ucloudsomeone@example.com1296235120854146120"
	privateKey = "46f09bb9fab4f12dfc160dae12273d5332b5debe"
)

// emulator runs the compshare-emulator program on an ephemeral loopback port with `state`
// (nil: the built-in state) and returns its URL; it is stopped when the test ends.
func emulator(t *testing.T, state any, extra ...string) string {
	t.Helper()
	args := []string{"--listen", "127.0.0.1:0"}
	if state != nil {
		path := filepath.Join(t.TempDir(), "state.json")
		data, err := json.Marshal(state)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--state", path)
	}
	cmd := exec.Command(need(t, "ACTIONHOST_TEST_EMULATOR"), append(args, extra...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n') // the listening line; never a sleep
	if err != nil {
		t.Fatalf("the emulator did not start: %v", err)
	}
	var listening struct {
		URL string `json:"url"`
	}
	if err := json.Unmarshal([]byte(line), &listening); err != nil || listening.URL == "" {
		t.Fatalf("unexpected first line from the emulator: %q", line)
	}
	return listening.URL
}

func isolate(t *testing.T) {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "COMPSHARE_") {
			name := strings.SplitN(kv, "=", 2)[0]
			t.Setenv(name, "")
		}
	}
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
}

func config(url string, extra map[string]any) []byte {
	c := map[string]any{"public_key": publicKey, "private_key": privateKey, "base_url": url,
		"region": "cn-wlcb", "max_retries": 0}
	for k, v := range extra {
		c[k] = v
	}
	data, _ := json.Marshal(c)
	return data
}

func open(t *testing.T, env string) *actionhost.Plugin {
	t.Helper()
	plugin, err := actionhost.Open(need(t, env))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := plugin.Close(); err != nil {
			t.Error(err)
		}
	})
	return plugin
}

func fleet(count int) map[string]any {
	instances := []any{}
	for n := 0; n < count; n++ {
		instances = append(instances, map[string]any{
			"UHostId": fmt.Sprintf("uhost-%d", n), "Region": "cn-wlcb", "Zone": "cn-wlcb-01",
			"Name": fmt.Sprintf("n%d", n), "State": "Stopped",
			"DiskSet": []any{
				map[string]any{"DiskId": fmt.Sprintf("bsd-%d", n), "DiskType": "CLOUD_SSD",
					"IsBoot": "True", "Drive": "/dev/vda", "Size": 40},
				map[string]any{"DiskId": fmt.Sprintf("udisk-%d", n), "DiskType": "CLOUD_SSD",
					"IsBoot": "False", "Drive": "/dev/vdb", "Size": 100}}})
	}
	return map[string]any{"KeyPairs": []any{map[string]any{"PublicKey": publicKey,
		"PrivateKey": privateKey}}, "Instances": instances}
}

func TestEightGoroutinesEachWithItsOwnInstance(t *testing.T) {
	isolate(t)
	const count = 8
	url := emulator(t, fleet(count))
	plugin := open(t, "ACTIONHOST_TEST_PLUGIN")
	var wg sync.WaitGroup
	results := make([]string, count)
	events := make([][]string, count)
	errs := make([]error, count)
	for n := 0; n < count; n++ {
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			instance, err := plugin.NewInstance(config(url, nil), func(e actionhost.Event) {
				events[n] = append(events[n], e.Name)
				if e.Name == "detach_sent" && e.Fields()["udisk_id"] != fmt.Sprintf("udisk-%d", n) {
					errs[n] = fmt.Errorf("event fields %s", e.Raw)
				}
			})
			if err != nil {
				errs[n] = err
				return
			}
			defer instance.Close()
			params := fmt.Sprintf(`{"UHostId":"uhost-%d","UDiskId":"udisk-%d","PollIntervalSeconds":0.1}`, n, n)
			result, err := instance.Invoke(context.Background(), "detach", []byte(params))
			if err != nil {
				errs[n] = err
				return
			}
			var parsed struct{ Status string }
			errs[n] = json.Unmarshal(result, &parsed)
			results[n] = parsed.Status
		}(n)
	}
	wg.Wait()
	for n := 0; n < count; n++ {
		if errs[n] != nil || results[n] != "detached" {
			t.Errorf("goroutine %d: status %q, error %v", n, results[n], errs[n])
		}
		if len(events[n]) < 2 || events[n][0] != "precheck" || events[n][1] != "detach_sent" {
			t.Errorf("goroutine %d: events %v", n, events[n])
		}
	}
}

func TestErrorsCarryTheManifestsClass(t *testing.T) {
	isolate(t)
	url := emulator(t, nil)
	plugin := open(t, "ACTIONHOST_TEST_PLUGIN")
	instance, err := plugin.NewInstance(config(url, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer instance.Close()
	_, err = instance.Invoke(context.Background(), "detach",
		[]byte(`{"UHostId":"uhost-emu-running","UDiskId":"udisk-emu-data3"}`))
	var failure *actionhost.Error
	if !errors.As(err, &failure) {
		t.Fatalf("want *actionhost.Error, got %v", err)
	}
	if failure.Type != "InstanceNotStopped" || failure.Class != "precondition" || failure.Retryable {
		t.Errorf("got %+v", failure)
	}
	if !strings.Contains(string(failure.Result), `"ok":false`) {
		t.Errorf("result %s", failure.Result)
	}
	if strings.Contains(failure.Error(), privateKey) {
		t.Error("the private key is in the error")
	}
}

func TestEveryClassFromTestEcho(t *testing.T) {
	plugin := open(t, "ACTIONHOST_TEST_ECHO")
	instance, err := plugin.NewInstance(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer instance.Close()
	for errorType, class := range map[string]string{"InvalidParameter": "usage",
		"EchoNoCredentials": "credentials", "EchoNotReady": "precondition", "EchoRefused": "remote",
		"EchoHiccup": "transient", "EchoTooSlow": "timeout", "Cancelled": "cancelled",
		"InternalError": "internal", "Undeclared": "internal"} {
		_, err := instance.Invoke(context.Background(), "fail",
			[]byte(fmt.Sprintf(`{"type":%q,"retryable":true}`, errorType)))
		var failure *actionhost.Error
		if !errors.As(err, &failure) || failure.Type != errorType || failure.Class != class ||
			!failure.Retryable {
			t.Errorf("%s: got %v (%+v)", errorType, err, failure)
		}
	}
	result, err := instance.Invoke(context.Background(), "echo", []byte(`{"x":1}`))
	if err != nil || !strings.Contains(string(result), `"x":1`) {
		t.Errorf("echo: %s, %v", result, err)
	}
}

// blockingInstance is a test-echo instance whose log function closes `started` when "block"
// begins to wait.
func blockingInstance(t *testing.T) (*actionhost.Instance, chan struct{}) {
	plugin := open(t, "ACTIONHOST_TEST_ECHO")
	started := make(chan struct{}, 1)
	instance, err := plugin.NewInstance(nil, func(e actionhost.Event) {
		if e.Name == "blocking" {
			started <- struct{}{}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { instance.Close() })
	return instance, started
}

func TestContextCancelCancelsThroughTheABI(t *testing.T) {
	instance, started := blockingInstance(t)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel()
	}()
	_, err := instance.Invoke(ctx, "block", []byte(`{"seconds":3600}`))
	var failure *actionhost.Error
	if !errors.As(err, &failure) || failure.Class != "cancelled" || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	// The cancel was consumed by that call: the next one runs.
	if _, err := instance.Invoke(context.Background(), "echo", nil); err != nil {
		t.Fatal(err)
	}
}

func TestDeadlineIsATimeout(t *testing.T) {
	instance, started := blockingInstance(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := instance.Invoke(ctx, "block", []byte(`{"seconds":3600}`))
	<-started // it did run before the deadline stopped it
	var failure *actionhost.Error
	if !errors.As(err, &failure) || failure.Type != "Timeout" || failure.Class != "timeout" ||
		!errors.Is(err, context.DeadlineExceeded) ||
		!strings.Contains(string(failure.Result), `"type":"Timeout"`) {
		t.Fatalf("got %v (%s)", err, failure.Result)
	}
	// A context already done does not call the plugin.
	_, err = instance.Invoke(ctx, "echo", nil)
	if !errors.As(err, &failure) || failure.Class != "timeout" {
		t.Fatalf("got %v", err)
	}
}

func TestCancelFromAnotherGoroutine(t *testing.T) {
	instance, started := blockingInstance(t)
	go func() {
		<-started
		instance.Cancel()
	}()
	_, err := instance.Invoke(context.Background(), "block", []byte(`{"seconds":3600}`))
	var failure *actionhost.Error
	if !errors.As(err, &failure) || failure.Type != "Cancelled" {
		t.Fatalf("got %v", err)
	}
}

func TestOpenFailures(t *testing.T) {
	broken := need(t, "ACTIONHOST_TEST_BROKEN_DIR")
	for library, want := range map[string]string{
		"libtest-newer-minor.so": `is built for plugin API "1.1.0" but this host implements 1.0.0: the host is too old (upgrade actionhost)`,
		"libtest-older-major.so": `is built for plugin API "0.9.0" but this host implements 1.0.0: the plugin is too old (rebuild it against 1.x)`,
		"libtest-no-cancel.so":   "does not export ah_plugin_cancel",
		"libnothing.so":          "no such file",
	} {
		_, err := actionhost.Open(filepath.Join(broken, library))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", library, err, want)
		}
	}
	plugin := open(t, "ACTIONHOST_TEST_ECHO")
	if _, err := plugin.NewInstance([]byte(`{"fail_create":true}`), nil); err == nil ||
		!strings.Contains(err.Error(), "fail_create was set") {
		t.Errorf("fail_create: %v", err)
	}
	instance, err := plugin.NewInstance(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := plugin.Close(); err == nil {
		t.Error("Close with an open instance succeeded")
	}
	instance.Close()
	if _, err := instance.Invoke(context.Background(), "echo", nil); err == nil {
		t.Error("Invoke after Close succeeded")
	}
}

func TestManifest(t *testing.T) {
	plugin := open(t, "ACTIONHOST_TEST_PLUGIN")
	var manifest struct{ Name string }
	if err := json.Unmarshal(plugin.Manifest(), &manifest); err != nil || manifest.Name != "compshare-disk" ||
		plugin.Name() != "compshare-disk" || plugin.Errors()["Transient"].Class != "transient" {
		t.Errorf("manifest %s, %v", plugin.Manifest()[:40], err)
	}
}

func TestPanicInTheLogFunctionDoesNotCrossC(t *testing.T) {
	plugin := open(t, "ACTIONHOST_TEST_ECHO")
	instance, err := plugin.NewInstance(nil, func(actionhost.Event) { panic("log bug") })
	if err != nil {
		t.Fatal(err)
	}
	defer instance.Close()
	if _, err := instance.Invoke(context.Background(), "block", []byte(`{"seconds":0}`)); err != nil {
		t.Fatal(err)
	}
}

func TestACancelAfterTheCallDoesNotStopTheNext(t *testing.T) {
	plugin := open(t, "ACTIONHOST_TEST_ECHO")
	instance, err := plugin.NewInstance(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer instance.Close()
	for n := 0; n < 200; n++ {
		ctx, cancel := context.WithCancel(context.Background())
		_, err := instance.Invoke(ctx, "echo", nil)
		cancel() // the first call is over: this must reach no invocation
		if err != nil {
			t.Fatalf("call %d: %v", n, err)
		}
		if _, err := instance.Invoke(context.Background(), "echo", nil); err != nil {
			t.Fatalf("the call after %d was stopped by its late cancel: %v", n, err)
		}
	}
}

func TestAStatusOutsideTheEnumIsAnInternalError(t *testing.T) {
	// test-bad-status returns 77 with a result claiming success: neither may be believed.
	plugin := open(t, "ACTIONHOST_TEST_BAD_STATUS")
	instance, err := plugin.NewInstance(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer instance.Close()
	result, err := instance.Invoke(context.Background(), "bad_status", nil)
	var failure *actionhost.Error
	if result != nil || !errors.As(err, &failure) || failure.Type != "InternalError" ||
		failure.Class != "internal" || failure.Status != 77 || failure.Retryable ||
		!strings.Contains(failure.Message, `returned status 77 for action "bad_status", `+
			"which is not an ah_status value") {
		t.Errorf("got %s, %v (%+v)", result, err, failure)
	}
}
