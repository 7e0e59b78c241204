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

// Event is one log event of the plugin: its level, the "event" and "message" fields, and every
// field of the event's JSON object.
type Event struct {
	Level   LogLevel
	Name    string
	Message string
	Fields  map[string]any
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
	event := Event{Level: LogLevel(level)}
	if err := json.Unmarshal([]byte(C.GoString(message)), &event.Fields); err != nil {
		event.Fields = map[string]any{"message": C.GoString(message)}
	}
	event.Name, _ = event.Fields["event"].(string)
	event.Message, _ = event.Fields["message"].(string)
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "actionhost: the log function panicked (ignored): %v\n", r)
		}
	}()
	logFunc(event)
}
