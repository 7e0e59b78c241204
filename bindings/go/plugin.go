// Package actionhost loads actionhost plugins into a Go program through their C ABI
// (plugin_api/include/actionhost/plugin_api.h) with cgo and dlopen, and gets the ABI's rules
// right once: strings copied before the next call, the log callback reached through a
// runtime/cgo.Handle, calls on one instance serialised, and context cancellation or deadlines
// delivered with ah_plugin_cancel. Failures are *Error values classed by the plugin's manifest.
package actionhost

/*
#cgo CFLAGS: -I${SRCDIR}/../../plugin_api/include
#cgo LDFLAGS: -ldl
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"unsafe"
)

// ErrorDecl is one entry of the manifest's "errors": the class and retryability of a type.
type ErrorDecl struct {
	Class     string `json:"class"`
	Retryable bool   `json:"retryable"`
}

// Plugin is a loaded plugin library. Close it after every instance is closed.
type Plugin struct {
	mu        sync.Mutex
	lib       *C.ah_go_library // C memory: the table is read by calls made without Go pointers
	path      string
	manifest  json.RawMessage
	name      string
	version   string
	errors    map[string]ErrorDecl
	instances int
}

// HostAPIVersion is the plugin API version this binding implements (the header's).
func HostAPIVersion() string { return C.GoString(C.ah_go_host_version()) }

// Open loads the plugin library at path: dlopen, the version rule (as actionhost words it) before
// anything else, then every export of ah_plugin_symbols, then the embedded manifest.
func Open(path string) (*Plugin, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("actionhost: %s: %w", path, err)
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	handle := C.ah_go_open(cpath)
	if handle == nil {
		return nil, fmt.Errorf("actionhost: cannot load %s: %s", path, C.GoString(C.ah_go_dlerror()))
	}
	lib := (*C.ah_go_library)(C.calloc(1, C.sizeof_ah_go_library))
	lib.handle = handle
	fail := func(err error) (*Plugin, error) {
		C.ah_go_close(handle)
		C.free(unsafe.Pointer(lib))
		return nil, err
	}
	for index := 0; index < int(C.ah_go_symbol_count()); index++ {
		if C.ah_go_resolve(lib, C.int(index)) == 0 {
			return fail(fmt.Errorf("actionhost: %s does not export %s (required by the plugin API; "+
				"check the linker version script)", path, C.GoString(C.ah_go_symbol_name(C.int(index)))))
		}
		if index == 0 {
			if problem := versionProblem(C.ah_go_api_version(lib)); problem != "" {
				return fail(fmt.Errorf("actionhost: %s is %s", path, problem))
			}
		}
	}
	manifest := C.GoString(C.ah_go_manifest(lib))
	var head struct {
		Name    string               `json:"name"`
		Version string               `json:"version"`
		Errors  map[string]ErrorDecl `json:"errors"`
	}
	if err := json.Unmarshal([]byte(manifest), &head); err != nil || head.Name == "" {
		return fail(fmt.Errorf("actionhost: %s: its manifest is not an object with a name", path))
	}
	return &Plugin{lib: lib, path: path, manifest: json.RawMessage(manifest), name: head.Name,
		version: head.Version, errors: head.Errors}, nil
}

// versionProblem is "" when the rule accepts the plugin, else the reason in actionhost's words
// (host/src/api_version.cpp).
func versionProblem(version *C.char) string {
	text := "(null)"
	if version != nil {
		text = C.GoString(version)
	}
	host := HostAPIVersion()
	versions := fmt.Sprintf("built for plugin API %q but this host implements %s", text, host)
	switch C.ah_go_version_verdict(version) {
	case C.AH_API_VERSION_ACCEPTED:
		return ""
	case C.AH_API_VERSION_MALFORMED:
		return versions + ": the plugin's version is not MAJOR.MINOR.PATCH"
	case C.AH_API_VERSION_HOST_TOO_OLD:
		return versions + ": the host is too old (upgrade actionhost)"
	default:
		return versions + fmt.Sprintf(": the plugin is too old (rebuild it against %d.x)",
			int(C.AH_PLUGIN_API_VERSION_MAJOR))
	}
}

// Manifest is the plugin's embedded manifest (JSON).
func (p *Plugin) Manifest() json.RawMessage { return p.manifest }

// Name is the manifest's name.
func (p *Plugin) Name() string { return p.name }

// Version is the manifest's version.
func (p *Plugin) Version() string { return p.version }

// Errors is the manifest's error declarations by type.
func (p *Plugin) Errors() map[string]ErrorDecl { return p.errors }

// Close unloads the library. It refuses while instances are open (their code is in it).
func (p *Plugin) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lib == nil {
		return nil
	}
	if p.instances > 0 {
		return fmt.Errorf("actionhost: plugin %q has %d open instance(s): close them first",
			p.name, p.instances)
	}
	C.ah_go_close(p.lib.handle)
	C.free(unsafe.Pointer(p.lib))
	p.lib = nil
	return nil
}
