package actionhost

/*
#include <stdint.h>
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime/cgo"
)

// LogLevel is the event's ah_log_level.
type LogLevel int

// The ah_log_level values.
const (
	LogTrace LogLevel = iota
	LogDebug
	LogInfo
	LogWarning
	LogError
)

// Event is one log event of the plugin: its level, its "event" and "message" fields, and the
// whole JSON object (Raw, a copy the function may keep; Fields parses it).
type Event struct {
	Level   LogLevel
	Name    string
	Message string
	Raw     json.RawMessage
}

// Fields is every field of the event (nil when the plugin sent something that is not an object).
func (e Event) Fields() map[string]any {
	var fields map[string]any
	if json.Unmarshal(e.Raw, &fields) != nil {
		return nil
	}
	return fields
}

// LogFunc receives an instance's log events, on the thread of the invocation. It must not call
// back into the same instance (other than Cancel). A panic in it is recovered and reported on
// stderr, because it must not unwind through the plugin's C frames.
type LogFunc func(Event)

//export actionhostGoLog
func actionhostGoLog(handle C.uintptr_t, level C.int, message *C.char) {
	logFunc, ok := cgo.Handle(handle).Value().(LogFunc)
	if !ok || logFunc == nil {
		return
	}
	event := Event{Level: LogLevel(level), Raw: json.RawMessage(C.GoString(message))}
	var head struct {
		Event   string `json:"event"`
		Message string `json:"message"`
	}
	if json.Unmarshal(event.Raw, &head) == nil {
		event.Name, event.Message = head.Event, head.Message
	} else {
		event.Message = string(event.Raw)
	}
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "actionhost: the log function panicked (ignored): %v\n", r)
		}
	}()
	logFunc(event)
}
