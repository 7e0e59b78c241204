/* A plugin written in C against plugin_api.h alone that returns 77 from every invoke: not an
 * ah_status value, as a buggy plugin might. C may return it (an enum converts from any int its
 * type holds); a C++ host must read it as an integer, and every host must say what happened.
 * Its result claims success, so a host that trusted either would report a success. */
#include <actionhost/plugin_api.h>

#include <stdlib.h>

/* The manifest EmbedManifest.cmake embedded, under a C name (embedded_manifest_for_c.cpp). */
const char* test_embedded_manifest(void);

struct ah_instance {
    const char* last_error;
};

enum { not_a_status = 77 };

static const char claimed_success[] = "{\"ok\":true,\"status\":\"done\"}";

const char* ah_plugin_api_version(void) {
    return AH_PLUGIN_API_VERSION;
}

const char* ah_plugin_manifest(void) {
    return test_embedded_manifest();
}

ah_status ah_plugin_create(const ah_host_api* host, const char* config_json, ah_instance** out) {
    (void)host;
    (void)config_json;
    if (out == NULL)
        return AH_INVALID_ARGUMENT;
    *out = calloc(1, sizeof **out);
    if (*out == NULL)
        return AH_ERROR;
    (*out)->last_error = "";
    return AH_OK;
}

void ah_plugin_destroy(ah_instance* instance) {
    free(instance);
}

ah_status ah_plugin_invoke(ah_instance* instance, const char* action, const char* params_json,
                           size_t params_len, const char** result_json, size_t* result_len) {
    (void)action;
    (void)params_json;
    (void)params_len;
    if (instance == NULL || result_json == NULL || result_len == NULL)
        return AH_INVALID_ARGUMENT;
    *result_json = claimed_success;
    *result_len = sizeof claimed_success - 1;
    instance->last_error = "returned 77 on purpose";
    return (ah_status)not_a_status;
}

const char* ah_plugin_last_error(const ah_instance* instance) {
    return instance != NULL ? instance->last_error : "the instance is NULL";
}

void ah_plugin_cancel(ah_instance* instance) {
    (void)instance; /* nothing to interrupt */
}
