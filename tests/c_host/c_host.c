/*
 * A pure C99 actionhost host: proves that a plugin can be loaded and driven through
 * plugin_api.h alone (no C++, no helper library), and exercises every exported function,
 * its NULL arguments and its malformed inputs.
 *
 * Usage: c_host PLUGIN.so
 * The plugin must behave like tests/plugins/test-echo (actions echo, fail, throw, block; config
 * keys greeting and fail_create). Output is TAP-like; the exit status is non-zero on any failure.
 */
#define _POSIX_C_SOURCE 200809L

#include <actionhost/plugin_api.h>

#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The exports, resolved once by load_api(). */
static ah_plugin_table api;
static int test_count = 0;
static int failure_count = 0;

/* What the signal handler needs: it may only touch volatile objects and async-signal-safe
 * calls (ah_plugin_cancel is one by contract). */
static ah_instance* volatile cancel_target = NULL;
static volatile ah_plugin_cancel_fn cancel_from_signal = NULL;
static volatile sig_atomic_t signals_handled = 0;

static void check(int condition, const char* description) {
    ++test_count;
    if (condition) {
        printf("ok %d - %s\n", test_count, description);
    } else {
        ++failure_count;
        printf("not ok %d - %s\n", test_count, description);
    }
}

static const char* status_name(ah_status status) {
    switch (status) {
        case AH_OK:
            return "AH_OK";
        case AH_ERROR:
            return "AH_ERROR";
        case AH_INVALID_ARGUMENT:
            return "AH_INVALID_ARGUMENT";
        case AH_UNKNOWN_ACTION:
            return "AH_UNKNOWN_ACTION";
        case AH_CANCELLED:
            return "AH_CANCELLED";
        case AH_TIMEOUT:
            return "AH_TIMEOUT";
        case AH_UNSUPPORTED:
            return "AH_UNSUPPORTED";
    }
    return "(not an ah_status)";
}

static void check_status(ah_status got, ah_status want, const char* description) {
    if (got != want)
        printf("# %s: got %s, want %s\n", description, status_name(got), status_name(want));
    check(got == want, description);
}

/* ---- A small strict JSON syntax checker (RFC 8259), enough to tell that what a plugin returns
 * is one JSON object, and to read its top-level "ok" member. ---- */

struct json_cursor {
    const char* p;
    const char* end;
    int depth;
};

static void skip_ws(struct json_cursor* c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')) {
        ++c->p;
    }
}

static int parse_value(struct json_cursor* c);

static int parse_literal(struct json_cursor* c, const char* word) {
    size_t n = strlen(word);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
        return 0;
    c->p += n;
    return 1;
}

static int parse_string(struct json_cursor* c) {
    if (c->p >= c->end || *c->p != '"')
        return 0;
    for (++c->p; c->p < c->end; ++c->p) {
        unsigned char ch = (unsigned char)*c->p;
        if (ch == '"') {
            ++c->p;
            return 1;
        }
        if (ch < 0x20)
            return 0;
        if (ch == '\\') {
            ++c->p;
            if (c->p >= c->end)
                return 0;
            if (*c->p == 'u') {
                int k;
                for (k = 0; k < 4; ++k) {
                    ++c->p;
                    if (c->p >= c->end || strchr("0123456789abcdefABCDEF", *c->p) == NULL ||
                        *c->p == '\0') {
                        return 0;
                    }
                }
            } else if (strchr("\"\\/bfnrt", *c->p) == NULL || *c->p == '\0') {
                return 0;
            }
        }
    }
    return 0;
}

static int parse_digits(struct json_cursor* c) {
    const char* start = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
        ++c->p;
    return c->p > start;
}

static int parse_number(struct json_cursor* c) {
    if (c->p < c->end && *c->p == '-')
        ++c->p;
    if (c->p < c->end && *c->p == '0') {
        ++c->p;
    } else if (!parse_digits(c)) {
        return 0;
    }
    if (c->p < c->end && *c->p == '.') {
        ++c->p;
        if (!parse_digits(c))
            return 0;
    }
    if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
        ++c->p;
        if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
            ++c->p;
        if (!parse_digits(c))
            return 0;
    }
    return 1;
}

/* Parses an object; when ok_member is non-NULL it receives 1/0 for a top-level "ok": true/false
 * and stays -1 otherwise. */
static int parse_object(struct json_cursor* c, int* ok_member) {
    if (c->p >= c->end || *c->p != '{' || ++c->depth > 64)
        return 0;
    ++c->p;
    skip_ws(c);
    if (c->p < c->end && *c->p == '}') {
        ++c->p;
        --c->depth;
        return 1;
    }
    for (;;) {
        const char* key = c->p;
        int is_ok_key;
        skip_ws(c);
        key = c->p;
        if (!parse_string(c))
            return 0;
        is_ok_key = c->p - key == 4 && memcmp(key, "\"ok\"", 4) == 0;
        skip_ws(c);
        if (c->p >= c->end || *c->p != ':')
            return 0;
        ++c->p;
        skip_ws(c);
        if (ok_member != NULL && is_ok_key) {
            if (c->end - c->p >= 4 && memcmp(c->p, "true", 4) == 0)
                *ok_member = 1;
            if (c->end - c->p >= 5 && memcmp(c->p, "false", 5) == 0)
                *ok_member = 0;
        }
        if (!parse_value(c))
            return 0;
        skip_ws(c);
        if (c->p < c->end && *c->p == ',') {
            ++c->p;
            continue;
        }
        if (c->p < c->end && *c->p == '}') {
            ++c->p;
            --c->depth;
            return 1;
        }
        return 0;
    }
}

static int parse_array(struct json_cursor* c) {
    if (++c->depth > 64)
        return 0;
    ++c->p;
    skip_ws(c);
    if (c->p < c->end && *c->p == ']') {
        ++c->p;
        --c->depth;
        return 1;
    }
    for (;;) {
        skip_ws(c);
        if (!parse_value(c))
            return 0;
        skip_ws(c);
        if (c->p < c->end && *c->p == ',') {
            ++c->p;
            continue;
        }
        if (c->p < c->end && *c->p == ']') {
            ++c->p;
            --c->depth;
            return 1;
        }
        return 0;
    }
}

static int parse_value(struct json_cursor* c) {
    if (c->p >= c->end)
        return 0;
    switch (*c->p) {
        case '{':
            return parse_object(c, NULL);
        case '[':
            return parse_array(c);
        case '"':
            return parse_string(c);
        case 't':
            return parse_literal(c, "true");
        case 'f':
            return parse_literal(c, "false");
        case 'n':
            return parse_literal(c, "null");
        default:
            return parse_number(c);
    }
}

/* 1 when text[0..len) is exactly one JSON object (surrounding whitespace allowed). */
static int is_json_object(const char* text, size_t len, int* ok_member) {
    struct json_cursor c;
    if (ok_member != NULL)
        *ok_member = -1;
    c.p = text;
    c.end = text + len;
    c.depth = 0;
    skip_ws(&c);
    if (!parse_object(&c, ok_member))
        return 0;
    skip_ws(&c);
    return c.p == c.end;
}

/* Checks one invoke result: present, NUL-terminated at the reported length, one JSON object
 * whose "ok" member is `want_ok`. */
static void check_result(const char* result, size_t len, int want_ok, const char* what) {
    char description[256];
    int ok_member = -1;
    int present = result != NULL;
    snprintf(description, sizeof description, "%s: result is set", what);
    check(present, description);
    if (!present)
        return;
    snprintf(description, sizeof description, "%s: result is NUL-terminated at result_len (%lu)",
             what, (unsigned long)len);
    check(strlen(result) == len, description);
    snprintf(description, sizeof description, "%s: result is one JSON object", what);
    check(is_json_object(result, len, &ok_member), description);
    snprintf(description, sizeof description, "%s: result has \"ok\": %s", what,
             want_ok ? "true" : "false");
    if (ok_member != want_ok)
        printf("# result: %s\n", result);
    check(ok_member == want_ok, description);
}

static void check_message(const char* message, int want_empty, const char* what) {
    char description[256];
    snprintf(description, sizeof description, "%s: last_error is %s", what,
             want_empty ? "empty" : "a non-empty message");
    if (message == NULL) {
        check(0, description);
        return;
    }
    if ((message[0] == '\0') != want_empty)
        printf("# last_error: \"%s\"\n", message);
    check((message[0] == '\0') == want_empty, description);
}

/* ---- Version rule (the header's): majors equal, host minor >= plugin minor, then patch. ---- */

/* Whether a host of version host_version accepts plugin_version. */
static int version_compatible(const char* host_version, const char* plugin_version) {
    uint32_t host[3];
    if (!ah_plugin_api_version_parse(host_version, host))
        return 0;
    return ah_plugin_api_version_check(plugin_version, host[0], host[1], host[2]) ==
           AH_API_VERSION_ACCEPTED;
}

static void test_version_rule(void) {
    const char* plugin_version = api.api_version();
    check(plugin_version != NULL, "ah_plugin_api_version returns a string");
    if (plugin_version == NULL)
        return;
    printf("# plugin API version %s, host API version %s\n", plugin_version, AH_PLUGIN_API_VERSION);
    check(ah_plugin_api_version_compatible(plugin_version),
          "the plugin's API version is accepted by the version rule");
    check(api.api_version() == plugin_version, "ah_plugin_api_version is a stable pointer");
    /* The rule itself, so that the acceptance above means something. */
    check(version_compatible("1.2.0", "1.1.9") && version_compatible("1.1.3", "1.1.3") &&
              !version_compatible("1.1.0", "1.2.0") && !version_compatible("2.0.0", "1.0.0") &&
              !version_compatible("1.1.2", "1.1.3") && !version_compatible("1.0.0", "1.0") &&
              !version_compatible("1.0.0", "1.0.0-rc1") && !version_compatible("1.0.0", "") &&
              !version_compatible("1.0.0", "01.0.0") && !ah_plugin_api_version_compatible(NULL),
          "the version rule accepts and refuses the reference cases");
    check(ah_plugin_api_version_check("0.9.0", 1, 0, 0) == AH_API_VERSION_PLUGIN_TOO_OLD &&
              ah_plugin_api_version_check("1.0.1", 1, 0, 0) == AH_API_VERSION_HOST_TOO_OLD &&
              ah_plugin_api_version_check("x", 1, 0, 0) == AH_API_VERSION_MALFORMED,
          "the version rule says which side is too old");
}

static void test_manifest(void) {
    const char* manifest = api.manifest();
    check(manifest != NULL, "ah_plugin_manifest returns a string");
    if (manifest == NULL)
        return;
    check(is_json_object(manifest, strlen(manifest), NULL), "the manifest is one JSON object");
    check(strstr(manifest, "\"actions\"") != NULL, "the manifest has an actions member");
    check(api.manifest() == manifest, "ah_plugin_manifest is a stable pointer");
}

/* ---- Log callback: remembers events and raises SIGUSR1 on "blocking". ---- */

struct log_record {
    int events;
    int malformed_events;
    int blocking_events;
    int raise_on_blocking; /* raise SIGUSR1 when the "blocking" event arrives */
};

static void on_log(void* host_ctx, ah_log_level level, const char* message) {
    struct log_record* record = (struct log_record*)host_ctx;
    (void)level;
    if (record == NULL)
        return;
    ++record->events;
    if (message == NULL || !is_json_object(message, strlen(message), NULL) ||
        strstr(message, "\"event\"") == NULL) {
        ++record->malformed_events;
        return;
    }
    if (strstr(message, "\"event\":\"blocking\"") != NULL) {
        ++record->blocking_events;
        /* Synchronous: the handler runs (and cancels) before raise() returns. */
        if (record->raise_on_blocking)
            raise(SIGUSR1);
    }
}

static void on_sigusr1(int signal_number) {
    (void)signal_number;
    if (cancel_from_signal != NULL)
        cancel_from_signal(cancel_target);
    ++signals_handled;
}

static ah_host_api make_host(struct log_record* record) {
    ah_host_api host;
    memset(&host, 0, sizeof host);
    host.struct_size = (uint32_t)sizeof host;
    host.api_version = AH_PLUGIN_API_VERSION;
    host.host_ctx = record;
    host.log = on_log;
    return host;
}

/* ---- Tests on instances. ---- */

static ah_status invoke_text(ah_instance* instance, const char* action, const char* params,
                             const char** result, size_t* len) {
    *result = NULL;
    *len = 0;
    return api.invoke(instance, action, params, params == NULL ? 0 : strlen(params), result, len);
}

static void test_create_variants(void) {
    struct log_record record = {0, 0, 0, 0};
    ah_host_api host = make_host(&record);
    ah_instance* instance = NULL;
    const char* result = NULL;
    size_t len = 0;

    check_status(api.create(NULL, NULL, &instance), AH_OK,
                 "create with a NULL host and NULL config");
    check(instance != NULL, "create with a NULL host: the instance is set");
    check_message(api.last_error(instance), 1, "after a successful create");
    check_status(invoke_text(instance, "echo", "{}", &result, &len), AH_OK,
                 "echo on an instance with a NULL host");
    check_result(result, len, 1, "echo on an instance with a NULL host");
    api.destroy(instance);

    instance = NULL;
    check_status(api.create(&host, "{}", &instance), AH_OK, "create with a host struct and {}");
    check(instance != NULL, "create with a host struct: the instance is set");
    api.destroy(instance);

    instance = NULL;
    check_status(api.create(&host, " \n{ \"greeting\" : \"hi\" }\n", &instance), AH_OK,
                 "create with a config object surrounded by whitespace");
    api.destroy(instance);

    check_status(api.create(&host, "{}", NULL), AH_INVALID_ARGUMENT,
                 "create with a NULL out pointer");
}

/* A create that fails still yields an instance that only reports the error. */
static void test_failed_create(const char* config, ah_status want, const char* what) {
    char description[256];
    ah_instance* instance = NULL;
    const char* result = NULL;
    size_t len = 0;
    ah_status status = api.create(NULL, config, &instance);

    snprintf(description, sizeof description, "create with %s fails", what);
    check_status(status, want, description);
    snprintf(description, sizeof description, "create with %s: an error-only instance is returned",
             what);
    check(instance != NULL, description);
    if (instance == NULL)
        return;
    snprintf(description, sizeof description, "create with %s", what);
    check_message(api.last_error(instance), 0, description);
    snprintf(description, sizeof description, "invoke on the instance whose create failed (%s)",
             what);
    check_status(invoke_text(instance, "echo", "{}", &result, &len), AH_ERROR, description);
    check_result(result, len, 0, description);
    check_message(api.last_error(instance), 0, description);
    api.destroy(instance);
}

static void test_invoke(ah_instance* instance) {
    const char* result = NULL;
    size_t len = 0;
    static const char params[] = "{\"name\":\"disk-1\",\"n\":[1,2.5e3,null,true]}";

    check_status(invoke_text(instance, "echo", params, &result, &len), AH_OK, "echo");
    check_result(result, len, 1, "echo");
    check(result != NULL && strstr(result, "\"name\":\"disk-1\"") != NULL,
          "echo: the result carries the parameters");
    check(result != NULL && strstr(result, "\"greeting\":\"hello from C\"") != NULL,
          "echo: the result carries the configured greeting");
    check_message(api.last_error(instance), 1, "after a successful echo");

    check_status(invoke_text(instance, NULL, "{}", &result, &len), AH_INVALID_ARGUMENT,
                 "invoke with a NULL action");
    check_result(result, len, 0, "invoke with a NULL action");
    check_message(api.last_error(instance), 0, "invoke with a NULL action");

    result = NULL;
    len = 0;
    check_status(api.invoke(instance, "echo", NULL, 2, &result, &len), AH_INVALID_ARGUMENT,
                 "invoke with NULL params");
    check_result(result, len, 0, "invoke with NULL params");
    check_message(api.last_error(instance), 0, "invoke with NULL params");

    len = 0;
    check_status(api.invoke(instance, "echo", "{}", 2, NULL, &len), AH_INVALID_ARGUMENT,
                 "invoke with a NULL result_json pointer");
    check_message(api.last_error(instance), 0, "invoke with a NULL result_json pointer");
    result = NULL;
    check_status(api.invoke(instance, "echo", "{}", 2, &result, NULL), AH_INVALID_ARGUMENT,
                 "invoke with a NULL result_len pointer");
    check_message(api.last_error(instance), 0, "invoke with a NULL result_len pointer");
    check_status(api.invoke(NULL, "echo", "{}", 2, &result, &len), AH_INVALID_ARGUMENT,
                 "invoke on a NULL instance");

    check_status(invoke_text(instance, "echo", "{\"a\":", &result, &len), AH_INVALID_ARGUMENT,
                 "invoke with malformed JSON");
    check_result(result, len, 0, "invoke with malformed JSON");
    check_message(api.last_error(instance), 0, "invoke with malformed JSON");

    check_status(invoke_text(instance, "echo", "[1,2]", &result, &len), AH_INVALID_ARGUMENT,
                 "invoke with a JSON array instead of an object");
    check_result(result, len, 0, "invoke with a JSON array instead of an object");

    /* params_len shorter than the string: the plugin must read only params_len bytes, which
     * here is a truncated object. */
    check_status(api.invoke(instance, "echo", "{\"a\":1}", 5, &result, &len), AH_INVALID_ARGUMENT,
                 "invoke with params_len shorter than the string (truncated JSON)");
    check_result(result, len, 0, "invoke with a truncated params_len");
    check_status(api.invoke(instance, "echo", "{}", 0, &result, &len), AH_INVALID_ARGUMENT,
                 "invoke with params_len 0");
    check_result(result, len, 0, "invoke with params_len 0");
    /* params_len longer than a C string would say: the bytes after "{}" are not NUL-terminated
     * JSON, so the plugin must not stop at a NUL on its own. */
    check_status(api.invoke(instance, "echo", "{}\0garbage", 10, &result, &len),
                 AH_INVALID_ARGUMENT, "invoke with an embedded NUL in params");
    check_result(result, len, 0, "invoke with an embedded NUL in params");
    check_status(api.invoke(instance, "echo", "{\"x\":1}garbage", 7, &result, &len), AH_OK,
                 "invoke reads exactly params_len bytes (no NUL after them)");
    check_result(result, len, 1, "invoke with exactly params_len bytes");

    check_status(invoke_text(instance, "no-such-action", "{}", &result, &len), AH_UNKNOWN_ACTION,
                 "invoke an unknown action");
    check_result(result, len, 0, "invoke an unknown action");
    check(result != NULL && strstr(result, "\"error\"") != NULL,
          "unknown action: the result has an error object");
    check_message(api.last_error(instance), 0, "invoke an unknown action");

    check_status(invoke_text(instance, "fail", "{\"type\":\"PreconditionFailed\"}", &result, &len),
                 AH_ERROR, "the fail action");
    check_result(result, len, 0, "the fail action");
    check(result != NULL && strstr(result, "\"type\":\"PreconditionFailed\"") != NULL,
          "the fail action: error.type is the one asked for");

    check_status(invoke_text(instance, "throw", "{}", &result, &len), AH_ERROR,
                 "an action that throws a C++ exception");
    check_result(result, len, 0, "an action that throws");
    check_message(api.last_error(instance), 0, "an action that throws");

    check_status(invoke_text(instance, "block", "{\"seconds\":0}", &result, &len), AH_OK,
                 "block with seconds 0 returns at once");
    check_result(result, len, 1, "block with seconds 0");

    check_status(invoke_text(instance, "echo", "{}", &result, &len), AH_OK,
                 "the instance still works after every error above");
    check_result(result, len, 1, "echo after the errors");
}

static void test_cancel_before_invoke(ah_instance* instance) {
    const char* result = NULL;
    size_t len = 0;

    api.cancel(instance);
    api.cancel(instance); /* two requests before one invocation still cancel only that one */
    check_status(invoke_text(instance, "echo", "{}", &result, &len), AH_CANCELLED,
                 "cancel before invoke: the next invoke is cancelled");
    check_result(result, len, 0, "cancel before invoke");
    check_message(api.last_error(instance), 0, "cancel before invoke");
    check_status(invoke_text(instance, "echo", "{}", &result, &len), AH_OK,
                 "cancel before invoke: the invoke after that works");
    check_result(result, len, 1, "the invoke after a cancelled one");
}

static void test_cancel_from_signal_handler(void) {
    struct log_record record = {0, 0, 0, 0};
    ah_host_api host = make_host(&record);
    ah_instance* instance = NULL;
    const char* result = NULL;
    size_t len = 0;
    struct sigaction action;
    struct sigaction previous;

    if (api.create(&host, "{}", &instance) != AH_OK || instance == NULL) {
        check(0, "create an instance for the signal test");
        api.destroy(instance);
        return;
    }
    memset(&action, 0, sizeof action);
    action.sa_handler = on_sigusr1;
    sigemptyset(&action.sa_mask);
    cancel_target = instance;
    cancel_from_signal = api.cancel;
    signals_handled = 0;
    check(sigaction(SIGUSR1, &action, &previous) == 0, "install the SIGUSR1 handler");
    record.raise_on_blocking = 1;

    /* "block" logs "blocking", on_log raises SIGUSR1, the handler cancels: the wait ends. */
    check_status(invoke_text(instance, "block", "{\"seconds\":60}", &result, &len), AH_CANCELLED,
                 "block cancelled from a signal handler returns AH_CANCELLED");
    check_result(result, len, 0, "block cancelled from a signal handler");
    check_message(api.last_error(instance), 0, "block cancelled from a signal handler");
    check(record.blocking_events == 1, "the log callback received the blocking event once");
    check(signals_handled == 1, "the signal handler ran once");
    check(record.malformed_events == 0, "every log event is a JSON object with an event field");
    check(record.events >= 1, "the log callback got its host_ctx back");

    record.raise_on_blocking = 0;
    sigaction(SIGUSR1, &previous, NULL);
    cancel_target = NULL;
    cancel_from_signal = NULL;

    check_status(invoke_text(instance, "block", "{\"seconds\":0}", &result, &len), AH_OK,
                 "after a cancelled block, the next block runs normally");
    check_result(result, len, 1, "block after a cancelled one");
    api.destroy(instance);
}

/* A host struct from an older host (struct_size without the log member) must not be read past
 * its size: the plugin then takes no log events. */
static void test_short_host_struct(void) {
    struct log_record record = {0, 0, 0, 0};
    ah_host_api host = make_host(&record);
    ah_instance* instance = NULL;
    const char* result = NULL;
    size_t len = 0;

    host.struct_size = (uint32_t)offsetof(ah_host_api, log);
    check_status(api.create(&host, "{}", &instance), AH_OK,
                 "create with a shorter (older) host struct");
    if (instance == NULL)
        return;
    check_status(invoke_text(instance, "block", "{\"seconds\":0}", &result, &len), AH_OK,
                 "block on an instance with a short host struct");
    check(record.events == 0, "a host struct too short for log gets no log events");
    api.destroy(instance);
}

/* Resolves every export into api, in the header's order; one check per export. */
static int load_api(void* library) {
    size_t i;
    int all_found = 1;

    for (i = 0; i < AH_PLUGIN_SYMBOL_COUNT; ++i) {
        char description[128];
        void* address = dlsym(library, ah_plugin_symbols[i].name);
        snprintf(description, sizeof description, "the plugin exports %s",
                 ah_plugin_symbols[i].name);
        check(address != NULL, description);
        if (address == NULL) {
            all_found = 0;
            continue;
        }
        ah_plugin_table_store(&api, i, address);
    }
    return all_found;
}

int main(int argc, char** argv) {
    void* library;
    ah_instance* instance = NULL;

    /* Line-buffered, so a crash still leaves every line printed so far. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc != 2) {
        fprintf(stderr, "usage: %s PLUGIN.so\n", argv[0]);
        return 2;
    }
    library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        fprintf(stderr, "c_host: cannot load %s: %s\n", argv[1], dlerror());
        return 1;
    }
    check(1, "dlopen the plugin");
    if (load_api(library)) {
        test_version_rule();
        test_manifest();

        check(api.last_error(NULL) != NULL && api.last_error(NULL)[0] != '\0',
              "last_error(NULL) returns a message");
        api.destroy(NULL);
        check(1, "destroy(NULL) returns");
        api.cancel(NULL);
        check(1, "cancel(NULL) returns");

        test_create_variants();
        test_failed_create("{not json", AH_INVALID_ARGUMENT, "malformed config");
        test_failed_create("{\"fail_create\":true}", AH_ERROR, "a config the plugin refuses");
        test_short_host_struct();

        if (api.create(NULL, "{\"greeting\":\"hello from C\"}", &instance) == AH_OK) {
            test_invoke(instance);
            test_cancel_before_invoke(instance);
        } else {
            check(0, "create the instance for the invoke tests");
        }
        api.destroy(instance);
        test_cancel_from_signal_handler();
    }
    check(dlclose(library) == 0, "dlclose the plugin");

    printf("1..%d\n", test_count);
    if (failure_count != 0) {
        printf("# FAILED %d of %d\n", failure_count, test_count);
        return 1;
    }
    printf("# all %d passed\n", test_count);
    return 0;
}
