/* C side of the Go binding: dlopen, the header's symbol loop and version rule, and calls through
 * the function table (cgo cannot call C function pointers itself). */
#ifndef ACTIONHOST_GO_SHIM_H
#define ACTIONHOST_GO_SHIM_H

#include <stdint.h>

#include <actionhost/plugin_api.h>

/* The loaded library and its resolved exports. */
typedef struct ah_go_library {
    void* handle;
    ah_plugin_table table;
} ah_go_library;

/* dlopen (RTLD_NOW | RTLD_LOCAL); NULL on failure (dlerror() says why). */
void* ah_go_open(const char* path);
const char* ah_go_dlerror(void);
void ah_go_close(void* handle);

/* Resolves ah_plugin_symbols[index] into the table; returns 0 when the library lacks it. */
int ah_go_resolve(ah_go_library* lib, int index);
const char* ah_go_symbol_name(int index);
int ah_go_symbol_count(void);

/* The header's version rule against this header's version: an ah_api_version_verdict. */
int ah_go_version_verdict(const char* plugin_version);
const char* ah_go_host_version(void);

/* Calls through the table. */
const char* ah_go_api_version(const ah_go_library* lib);
const char* ah_go_manifest(const ah_go_library* lib);
ah_status ah_go_create(const ah_go_library* lib, uintptr_t log_handle, const char* config,
                       ah_instance** out);
void ah_go_destroy(const ah_go_library* lib, ah_instance* instance);
ah_status ah_go_invoke(const ah_go_library* lib, ah_instance* instance, const char* action,
                       const char* params, size_t params_len, const char** result,
                       size_t* result_len);
const char* ah_go_last_error(const ah_go_library* lib, const ah_instance* instance);
void ah_go_cancel(const ah_go_library* lib, ah_instance* instance);

#endif
