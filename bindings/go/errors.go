package actionhost

import (
	"encoding/json"
	"fmt"
)

// Error is a failed invocation. Class is the manifest's class for Type ("internal" when the
// type is undeclared): usage, credentials, precondition, remote, transient, timeout, cancelled
// or internal. Retryable is the result's error.retryable, else the manifest's. Result is the
// plugin's whole result. Err is the context's error when the context stopped the invocation.
type Error struct {
	Type      string
	Class     string
	Retryable bool
	Message   string
	Status    int
	Result    json.RawMessage
	Err       error
}

func (e *Error) Error() string { return e.Type + ": " + e.Message }

// Unwrap gives the context's error (context.Canceled or context.DeadlineExceeded), if any.
func (e *Error) Unwrap() error { return e.Err }

// classify builds the Error for a failed result from the plugin's declarations.
func classify(result []byte, status int, declared map[string]ErrorDecl) *Error {
	var parsed struct {
		Error struct {
			Type      string `json:"type"`
			Message   string `json:"message"`
			Retryable *bool  `json:"retryable"`
		} `json:"error"`
	}
	e := &Error{Type: "InternalError", Class: "internal", Status: status, Result: result}
	if err := json.Unmarshal(result, &parsed); err != nil {
		e.Message = fmt.Sprintf("the plugin's result is not a JSON object (%v)", err)
		return e
	}
	if parsed.Error.Type != "" {
		e.Type = parsed.Error.Type
	}
	e.Message = parsed.Error.Message
	if decl, ok := declared[e.Type]; ok {
		e.Class = decl.Class
		e.Retryable = decl.Retryable
	}
	if parsed.Error.Retryable != nil {
		e.Retryable = *parsed.Error.Retryable
	}
	return e
}
