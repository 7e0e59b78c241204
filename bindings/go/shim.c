#include "shim.h"

#include <dlfcn.h>

#include "_cgo_export.h"

void* ah_go_open(const char* path) {
    return dlopen(path, RTLD_NOW | RTLD_LOCAL);
}

const char* ah_go_dlerror(void) {
    const char* error = dlerror();
    return error != NULL ? error : "unknown dlopen error";
}

void ah_go_close(void* handle) {
    if (handle != NULL)
        dlclose(handle);
}

int ah_go_resolve(ah_go_library* lib, int index) {
    void* address = dlsym(lib->handle, ah_plugin_symbols[index].name);
    if (address == NULL)
        return 0;
    ah_plugin_table_store(&lib->table, (size_t)index, address);
    return 1;
}

const char* ah_go_symbol_name(int index) {
    return ah_plugin_symbols[index].name;
}
int ah_go_symbol_count(void) {
    return AH_PLUGIN_SYMBOL_COUNT;
}

int ah_go_version_verdict(const char* plugin_version) {
    return (int)ah_plugin_api_version_check(plugin_version, AH_PLUGIN_API_VERSION_MAJOR,
                                            AH_PLUGIN_API_VERSION_MINOR,
                                            AH_PLUGIN_API_VERSION_PATCH);
}

const char* ah_go_host_version(void) {
    return AH_PLUGIN_API_VERSION;
}

const char* ah_go_api_version(const ah_go_library* lib) {
    return lib->table.api_version();
}
const char* ah_go_manifest(const ah_go_library* lib) {
    return lib->table.manifest();
}

/* The handle travels as host_ctx; converting it here keeps unsafe.Pointer arithmetic out of Go. */
static void ah_go_log_trampoline(void* host_ctx, ah_log_level level, const char* message) {
    actionhostGoLog((uintptr_t)host_ctx, (int)level, (char*)message);
}

ah_status ah_go_create(const ah_go_library* lib, uintptr_t log_handle, const char* config,
                       ah_instance** out) {
    ah_host_api host;
    host.struct_size = sizeof host;
    host.api_version = AH_PLUGIN_API_VERSION;
    host.host_ctx = (void*)log_handle;
    host.log = log_handle != 0 ? ah_go_log_trampoline : NULL;
    return lib->table.create(&host, config, out);
}

void ah_go_destroy(const ah_go_library* lib, ah_instance* instance) {
    lib->table.destroy(instance);
}

ah_status ah_go_invoke(const ah_go_library* lib, ah_instance* instance, const char* action,
                       const char* params, size_t params_len, const char** result,
                       size_t* result_len) {
    return lib->table.invoke(instance, action, params, params_len, result, result_len);
}

const char* ah_go_last_error(const ah_go_library* lib, const ah_instance* instance) {
    return lib->table.last_error(instance);
}

void ah_go_cancel(const ah_go_library* lib, ah_instance* instance) {
    lib->table.cancel(instance);
}
