/*
 * run-action: the smallest complete actionhost host, in C99 with plugin_api.h alone.
 *
 *   run-action PLUGIN.so ACTION [PARAMS_JSON [CONFIG_JSON]]
 *
 * Loads the plugin, applies the API version rule, creates an instance, invokes one action and
 * prints its result (one JSON object) on stdout. Exit status: 0 when the action succeeded, 1 when
 * it failed, 2 for usage errors, 8 when the plugin cannot be loaded or is incompatible.
 */
#define _POSIX_C_SOURCE 200809L

#include <actionhost/plugin_api.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ISO C cannot convert dlsym's void* to a function pointer; POSIX guarantees that copying the
 * bytes works. */
static int resolve(void* library, const char* name, void* function, size_t size) {
    void* symbol = dlsym(library, name);
    if (symbol == NULL) {
        fprintf(stderr, "run-action: the plugin does not export %s\n", name);
        return 0;
    }
    memcpy(function, &symbol, size);
    return 1;
}

/* Majors equal, host minor >= plugin minor, then host patch >= plugin patch. */
static int compatible(const char* plugin_version) {
    const unsigned host[3] = {AH_PLUGIN_API_VERSION_MAJOR, AH_PLUGIN_API_VERSION_MINOR,
                              AH_PLUGIN_API_VERSION_PATCH};
    unsigned plugin[3] = {0, 0, 0};
    char rest = 0;
    if (sscanf(plugin_version, "%u.%u.%u%c", &plugin[0], &plugin[1], &plugin[2], &rest) != 3) {
        return 0;
    }
    if (plugin[0] != host[0])
        return 0;
    if (plugin[1] != host[1])
        return plugin[1] < host[1];
    return plugin[2] <= host[2];
}

static void print_log(void* host_ctx, ah_log_level level, const char* message) {
    (void)host_ctx;
    fprintf(stderr, "[plugin log %d] %s\n", (int)level, message);
}

int main(int argc, char** argv) {
    const char* (*api_version)(void);
    ah_status (*create)(const ah_host_api*, const char*, ah_instance**);
    void (*destroy)(ah_instance*);
    ah_status (*invoke)(ah_instance*, const char*, const char*, size_t, const char**, size_t*);
    const char* (*last_error)(const ah_instance*);
    const char* params = argc > 3 ? argv[3] : "{}";
    const char* config = argc > 4 ? argv[4] : "{}";
    ah_host_api host;
    ah_instance* instance = NULL;
    const char* result = NULL;
    size_t result_len = 0;
    ah_status status;
    void* library;

    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: %s PLUGIN.so ACTION [PARAMS_JSON [CONFIG_JSON]]\n", argv[0]);
        return 2;
    }
    library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        fprintf(stderr, "run-action: cannot load %s: %s\n", argv[1], dlerror());
        return 8;
    }
    if (!resolve(library, "ah_plugin_api_version", &api_version, sizeof api_version) ||
        !resolve(library, "ah_plugin_create", &create, sizeof create) ||
        !resolve(library, "ah_plugin_destroy", &destroy, sizeof destroy) ||
        !resolve(library, "ah_plugin_invoke", &invoke, sizeof invoke) ||
        !resolve(library, "ah_plugin_last_error", &last_error, sizeof last_error)) {
        dlclose(library);
        return 8;
    }
    if (!compatible(api_version())) {
        fprintf(stderr, "run-action: %s needs plugin API %s; this host implements %s\n", argv[1],
                api_version(), AH_PLUGIN_API_VERSION);
        dlclose(library);
        return 8;
    }

    memset(&host, 0, sizeof host);
    host.struct_size = (uint32_t)sizeof host;
    host.api_version = AH_PLUGIN_API_VERSION;
    host.log = print_log;
    status = create(&host, config, &instance);
    if (status != AH_OK) {
        fprintf(stderr, "run-action: cannot create the instance: %s\n",
                instance != NULL ? last_error(instance) : "out of memory");
        destroy(instance);
        dlclose(library);
        return 1;
    }

    status = invoke(instance, argv[2], params, strlen(params), &result, &result_len);
    if (result != NULL)
        fwrite(result, 1, result_len, stdout); /* copy before the next call */
    fputc('\n', stdout);
    if (status != AH_OK)
        fprintf(stderr, "run-action: %s\n", last_error(instance));

    destroy(instance);
    dlclose(library);
    return status == AH_OK ? 0 : 1;
}
