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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Resolves the exports into api in the header's order, applying the version rule as soon as
 * ah_plugin_api_version is known (a plugin of another version may lack the other exports). */
static int load_api(void* library, const char* path, ah_plugin_table* api) {
    size_t i;
    for (i = 0; i < AH_PLUGIN_SYMBOL_COUNT; ++i) {
        void* symbol = dlsym(library, ah_plugin_symbols[i].name);
        if (symbol == NULL) {
            fprintf(stderr, "run-action: %s does not export %s\n", path, ah_plugin_symbols[i].name);
            return 0;
        }
        ah_plugin_table_store(api, i, symbol);
        if (i == 0 && !ah_plugin_api_version_compatible(api->api_version())) {
            const char* version = api->api_version();
            fprintf(stderr, "run-action: %s needs plugin API %s; this host implements %s\n", path,
                    version != NULL ? version : "(none)", AH_PLUGIN_API_VERSION);
            return 0;
        }
    }
    return 1;
}

static void print_log(void* host_ctx, ah_log_level level, const char* message) {
    (void)host_ctx;
    fprintf(stderr, "[plugin log %d] %s\n", (int)level, message);
}

int main(int argc, char** argv) {
    ah_plugin_table api;
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
    /* A write to a connection the server closed must fail, not end the process. */
    signal(SIGPIPE, SIG_IGN);
    library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        fprintf(stderr, "run-action: cannot load %s: %s\n", argv[1], dlerror());
        return 8;
    }
    if (!load_api(library, argv[1], &api)) {
        dlclose(library);
        return 8;
    }

    memset(&host, 0, sizeof host);
    host.struct_size = (uint32_t)sizeof host;
    host.api_version = AH_PLUGIN_API_VERSION;
    host.log = print_log;
    status = api.create(&host, config, &instance);
    if (status != AH_OK) {
        fprintf(stderr, "run-action: cannot create the instance: %s\n",
                instance != NULL ? api.last_error(instance) : "out of memory");
        api.destroy(instance);
        dlclose(library);
        return 1;
    }

    status = api.invoke(instance, argv[2], params, strlen(params), &result, &result_len);
    if (result != NULL)
        fwrite(result, 1, result_len, stdout); /* copy before the next call */
    fputc('\n', stdout);
    if (status != AH_OK)
        fprintf(stderr, "run-action: %s\n", api.last_error(instance));

    api.destroy(instance);
    dlclose(library);
    return status == AH_OK ? 0 : 1;
}
