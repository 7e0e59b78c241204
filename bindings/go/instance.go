package actionhost

/*
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"runtime/cgo"
	"sync"
	"unsafe"
)

// Instance is one plugin instance. Invoke calls on it are serialised; Cancel may come from any
// goroutine. Close it when done (it owns the plugin's memory and the log handle).
type Instance struct {
	plugin *Plugin
	call   sync.Mutex // one invocation at a time (the ABI's rule)
	state  sync.Mutex // instance pointer and running flag against Cancel and Close
	ptr    *C.ah_instance
	run    bool
	gen    uint64 // counts invocations, so a late watcher never cancels a later call
	handle cgo.Handle
}

// NewInstance creates an instance with the config (JSON; nil means "{}") and an optional log
// function for the plugin's events.
func (p *Plugin) NewInstance(config []byte, logFunc LogFunc) (*Instance, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lib == nil {
		return nil, errors.New("actionhost: the plugin is closed")
	}
	var cconfig *C.char
	if config != nil {
		cconfig = C.CString(string(config))
		defer C.free(unsafe.Pointer(cconfig))
	}
	var handle cgo.Handle
	if logFunc != nil {
		handle = cgo.NewHandle(logFunc)
	}
	var ptr *C.ah_instance
	status := C.ah_go_create(p.lib, C.uintptr_t(handle), cconfig, &ptr)
	if status != C.AH_OK {
		reason := "no message (the plugin returned no instance)"
		if ptr != nil {
			if text := C.GoString(C.ah_go_last_error(p.lib, ptr)); text != "" {
				reason = text
			}
			C.ah_go_destroy(p.lib, ptr)
		}
		if handle != 0 {
			handle.Delete()
		}
		return nil, fmt.Errorf("actionhost: plugin %q: creating an instance failed with %s: %s",
			p.name, statusName(int(status)), reason)
	}
	p.instances++
	return &Instance{plugin: p, ptr: ptr, handle: handle}, nil
}

// Invoke runs action with params (JSON; nil means "{}") and returns the result. A failure is an
// *Error. When ctx is cancelled or its deadline passes during the call, the invocation is
// cancelled through the ABI; the Error then unwraps to ctx.Err(), and a deadline makes its Type
// "Timeout" (class timeout), as actionhost --timeout does.
func (i *Instance) Invoke(ctx context.Context, action string, params []byte) (json.RawMessage, error) {
	if params == nil {
		params = []byte("{}")
	}
	i.call.Lock()
	defer i.call.Unlock()
	i.state.Lock()
	if i.ptr == nil {
		i.state.Unlock()
		return nil, errors.New("actionhost: the instance is closed")
	}
	if err := ctx.Err(); err != nil {
		i.state.Unlock()
		return nil, contextError(err, "not started: ")
	}
	i.run = true
	i.gen++
	gen := i.gen
	i.state.Unlock()

	// The watcher is not waited for: it cancels only this invocation (gen) while it runs.
	stopped := make(chan struct{})
	if ctx.Done() != nil {
		go func() {
			select {
			case <-ctx.Done():
				i.cancelRunning(gen)
			case <-stopped:
			}
		}()
	}
	// Let every runnable goroutine (the watcher above, one woken by the last call) run and park
	// first: one still runnable during the C call makes the runtime hand this P to another
	// thread, a wake-up costing tens of microseconds a call.
	runtime.Gosched()
	caction := C.CString(action)
	cparams := C.CBytes(params)
	var result *C.char
	var length C.size_t
	status := int(C.ah_go_invoke(i.plugin.lib, i.ptr, caction, (*C.char)(cparams),
		C.size_t(len(params)), &result, &length))
	i.state.Lock()
	i.run = false
	i.state.Unlock()
	close(stopped)
	C.free(unsafe.Pointer(caction))
	C.free(cparams)

	var text []byte
	if result != nil {
		text = C.GoBytes(unsafe.Pointer(result), C.int(length))
	}
	if status < C.AH_OK || status > C.AH_UNSUPPORTED {
		// A plugin's bug: a status outside ah_status vouches for no result, not even its own.
		return nil, &Error{Type: "InternalError", Class: "internal", Status: status,
			Message: fmt.Sprintf("plugin %q returned status %d for action %q, which is not an "+
				"ah_status value; its result is not used", i.plugin.name, status, action)}
	}
	if status == C.AH_OK {
		if !json.Valid(text) {
			return nil, &Error{Type: "InternalError", Class: "internal", Status: int(C.AH_ERROR),
				Message: fmt.Sprintf("plugin %q returned a result for action %q that is not JSON",
					i.plugin.name, action)}
		}
		return json.RawMessage(text), nil
	}
	failure := classify(text, status, i.plugin.errors)
	if err := ctx.Err(); err != nil {
		failure.Err = err
		if errors.Is(err, context.DeadlineExceeded) {
			failure.Type, failure.Class = "Timeout", "timeout"
			failure.Message = "the context's deadline passed: " + failure.Message
			failure.Result = retyped(failure.Result, failure.Type, failure.Message)
		}
	}
	return nil, failure
}

func contextError(err error, prefix string) *Error {
	e := &Error{Type: "Cancelled", Class: "cancelled", Status: int(C.AH_CANCELLED), Err: err,
		Message: prefix + err.Error(), Result: json.RawMessage(`{"ok":false}`)}
	if errors.Is(err, context.DeadlineExceeded) {
		e.Type, e.Class = "Timeout", "timeout"
	}
	e.Result, _ = json.Marshal(map[string]any{"ok": false, "error": map[string]any{
		"type": e.Type, "message": e.Message, "retryable": false}})
	return e
}

// retyped is the result with its error's type and message replaced, as actionhost --timeout
// reports a timeout (unchanged when it has no error object).
func retyped(result json.RawMessage, errorType, message string) json.RawMessage {
	var parsed map[string]any
	if json.Unmarshal(result, &parsed) != nil {
		return result
	}
	failure, ok := parsed["error"].(map[string]any)
	if !ok {
		return result
	}
	failure["type"], failure["message"] = errorType, message
	if text, err := json.Marshal(parsed); err == nil {
		return text
	}
	return result
}

// cancelRunning cancels invocation gen (0: any) only while it runs: an idle cancel would cancel
// the next call.
func (i *Instance) cancelRunning(gen uint64) {
	i.state.Lock()
	defer i.state.Unlock()
	if i.run && i.ptr != nil && (gen == 0 || gen == i.gen) {
		C.ah_go_cancel(i.plugin.lib, i.ptr)
	}
}

// Cancel is ah_plugin_cancel: any goroutine. It stops the invocation in progress; when none runs,
// the next one returns Cancelled at once (the ABI's rule). A no-op once closed.
func (i *Instance) Cancel() {
	i.state.Lock()
	defer i.state.Unlock()
	if i.ptr != nil {
		C.ah_go_cancel(i.plugin.lib, i.ptr)
	}
}

// Close destroys the instance (idempotent). An invocation in progress is cancelled and waited for.
func (i *Instance) Close() error {
	i.cancelRunning(0)
	i.call.Lock()
	defer i.call.Unlock()
	i.state.Lock()
	ptr := i.ptr
	i.ptr = nil
	i.state.Unlock()
	if ptr == nil {
		return nil
	}
	C.ah_go_destroy(i.plugin.lib, ptr)
	if i.handle != 0 {
		i.handle.Delete()
	}
	i.plugin.mu.Lock()
	i.plugin.instances--
	i.plugin.mu.Unlock()
	return nil
}

func statusName(status int) string {
	names := map[int]string{0: "AH_OK", 1: "AH_ERROR", 2: "AH_INVALID_ARGUMENT",
		3: "AH_UNKNOWN_ACTION", 4: "AH_CANCELLED", 5: "AH_TIMEOUT", 6: "AH_UNSUPPORTED"}
	if name, ok := names[status]; ok {
		return name
	}
	return fmt.Sprintf("status %d", status)
}
