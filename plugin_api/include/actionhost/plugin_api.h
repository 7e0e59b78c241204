/*
 * actionhost plugin C ABI.
 *
 * A plugin is a shared library that exports the flat `ah_plugin_*` functions below. A host (the
 * `actionhost` program, or any C, C++, Python ctypes or Go cgo program) loads the library, checks
 * the API version, creates one or more instances and invokes actions on them. An action takes one
 * JSON object as parameters and returns one JSON object as its result.
 *
 * Conventions that hold for every function (in the style of Falco's plugin_api.h):
 *
 * - Strings are UTF-8. Every string the plugin returns is NUL-terminated.
 * - Ownership: the plugin owns everything it returns; the host never frees plugin memory.
 *   The version string and the manifest live until the library is unloaded. The result of
 *   ah_plugin_invoke() and the text of ah_plugin_last_error() live until the next call on the
 *   same instance (other than ah_plugin_cancel()) or until ah_plugin_destroy(). Copy what you
 *   keep (ctypes: read with c_void_p + string_at, never c_char_p; cgo: C.GoStringN).
 * - Inputs are borrowed: the plugin copies what it needs before the call returns.
 * - Errors: the returned ah_status is the one success signal. A non-OK status always comes with
 *   a message from ah_plugin_last_error(). No C++ exception ever crosses this boundary.
 * - Threads: calls on one instance are serialised by the caller; distinct instances may be used
 *   from different threads at the same time. ah_plugin_cancel() may be called from any thread,
 *   and from a signal handler. Plugins keep no mutable global state.
 * - SIGPIPE: a plugin that talks to a server may write to a connection the server has just
 *   closed. On POSIX that raises SIGPIPE in the writing thread, and its default action ends the
 *   process, so a host ignores it (signal(SIGPIPE, SIG_IGN)) before it invokes; the write then
 *   fails with EPIPE and the plugin reports a failed action. actionhost does so; Python ignores
 *   SIGPIPE from start-up and Go's runtime ignores it on its own threads.
 * - Growth: structs only ever grow at the end and start with their own size. A new minor API
 *   version only adds; anything else is a new major version.
 *
 * Version rule (as Falco's): a host accepts a plugin when the major versions are equal and the
 * host's minor is at least the plugin's (with equal minors, the host's patch at least the
 * plugin's). ah_plugin_api_version_compatible() below is that rule; every C or C++ host calls it
 * instead of writing its own (a ctypes or cgo host, which cannot call an inline function, mirrors
 * ah_plugin_api_version_check() line for line).
 *
 * How the version moves:
 * - MAJOR: anything that is not an addition (a changed signature, struct layout, meaning or
 *   threading rule). Hosts refuse plugins of another major.
 * - MINOR: an addition to the binary interface (a new export, a field appended to a struct).
 * - PATCH: a fix in the hosts' side of the contract that plugins may rely on; with equal minors a
 *   host refuses a plugin built for a newer patch.
 * - Nothing: additions to this header alone that change no export, no struct a plugin sees and no
 *   rule (the function typedefs, ah_plugin_table, ah_plugin_symbols and the version functions
 *   were such additions). A plugin built against such a header is the same binary as before, so it
 *   keeps the version; moving PATCH would only make hosts of the older patch refuse it.
 *
 * A host resolves the exports with one loop: ah_plugin_symbols lists their names, in the order to
 * resolve them, with the member of ah_plugin_table each one fills.
 */
#ifndef ACTIONHOST_PLUGIN_API_H
#define ACTIONHOST_PLUGIN_API_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AH_PLUGIN_API_VERSION_MAJOR 1
#define AH_PLUGIN_API_VERSION_MINOR 0
#define AH_PLUGIN_API_VERSION_PATCH 0
#define AH_PLUGIN_API_VERSION_STRINGIFY_(x) #x
#define AH_PLUGIN_API_VERSION_STRINGIFY(x) AH_PLUGIN_API_VERSION_STRINGIFY_(x)
/* "MAJOR.MINOR.PATCH" of this header. */
/* clang-format off */
#define AH_PLUGIN_API_VERSION                                     \
    AH_PLUGIN_API_VERSION_STRINGIFY(AH_PLUGIN_API_VERSION_MAJOR) "." \
    AH_PLUGIN_API_VERSION_STRINGIFY(AH_PLUGIN_API_VERSION_MINOR) "." \
    AH_PLUGIN_API_VERSION_STRINGIFY(AH_PLUGIN_API_VERSION_PATCH)
/* clang-format on */

/* Marks a function as exported from the plugin even when it is built with -fvisibility=hidden. */
#if defined(_WIN32)
#define AH_EXPORT __declspec(dllexport)
#elif defined(__GNUC__)
#define AH_EXPORT __attribute__((visibility("default")))
#else
#define AH_EXPORT
#endif

/* Outcome of a call. AH_OK is the one success value; every other value comes with a message
 * from ah_plugin_last_error(). */
typedef enum ah_status {
    AH_OK = 0,
    AH_ERROR = 1,            /* the action failed; the result JSON says why */
    AH_INVALID_ARGUMENT = 2, /* NULL pointer, malformed JSON, invalid parameter or config */
    AH_UNKNOWN_ACTION = 3,   /* the plugin has no action of that name */
    AH_CANCELLED = 4,        /* stopped by ah_plugin_cancel() */
    AH_TIMEOUT = 5,          /* the action's own deadline passed */
    AH_UNSUPPORTED = 6       /* the plugin does not support what was asked */
} ah_status;

/* Severity of a log event sent to the host. */
typedef enum ah_log_level {
    AH_LOG_TRACE = 0,
    AH_LOG_DEBUG = 1,
    AH_LOG_INFO = 2,
    AH_LOG_WARNING = 3,
    AH_LOG_ERROR = 4
} ah_log_level;

/*
 * Log callback offered by the host.
 * Arguments:
 * - host_ctx: the host_ctx field of the ah_host_api the instance was created with.
 * - level: the event's severity.
 * - message: one JSON object, NUL-terminated UTF-8, with at least the string fields "event"
 *   (a stable machine-readable name, e.g. "retry") and "message" (for people). Borrowed for
 *   the duration of the callback.
 * Concurrency: a plugin may call it from any thread, including several at once (one per
 *   instance); the host must make it thread-safe. It must not call back into the plugin.
 */
typedef void (*ah_log_fn)(void* host_ctx, ah_log_level level, const char* message);

/*
 * Services the host offers to a plugin instance. The host fills it in and passes it to
 * ah_plugin_create(); the plugin copies what it needs (the struct itself is borrowed).
 * Fields are only ever appended: a plugin must read a field only if struct_size says the
 * host's struct contains it (offsetof(field) + sizeof(field) <= struct_size).
 */
typedef struct ah_host_api {
    uint32_t struct_size;    /* sizeof(ah_host_api) as the host was compiled */
    const char* api_version; /* AH_PLUGIN_API_VERSION the host was built against */
    void* host_ctx;          /* opaque; handed back to every callback */
    ah_log_fn log;           /* may be NULL: the host does not take log events */
} ah_host_api;

/* Opaque plugin instance. */
typedef struct ah_instance ah_instance;

/*
 * The exports. Each one has a function pointer type, ah_plugin_<name>_fn, that hosts resolve
 * into, followed by the declaration a plugin defines.
 */

/*
 * ah_plugin_api_version: the plugin API version the plugin was built against, "MAJOR.MINOR.PATCH".
 * Required: yes. A host resolves and calls it first and applies the version rule
 *   (ah_plugin_api_version_compatible()) before resolving or calling anything else.
 * Return value: a static NUL-terminated string.
 * Ownership: the plugin's; valid until the library is unloaded.
 * Concurrency: any thread.
 */
typedef const char* (*ah_plugin_api_version_fn)(void);
AH_EXPORT const char* ah_plugin_api_version(void);

/*
 * ah_plugin_manifest: the plugin's manifest, a JSON object with name, version, api_version,
 * description, config_schema and actions[] (each with name, description, params_schema and
 * result_schema). It is the same document as the manifest file the host discovers the plugin by.
 * Required: yes.
 * Return value: a static NUL-terminated string.
 * Ownership: the plugin's; valid until the library is unloaded.
 * Concurrency: any thread.
 */
typedef const char* (*ah_plugin_manifest_fn)(void);
AH_EXPORT const char* ah_plugin_manifest(void);

/*
 * ah_plugin_create: creates an instance.
 * Required: yes.
 * Arguments:
 * - host: services offered by the host, or NULL for none. Borrowed for the call.
 * - config_json: NUL-terminated JSON object with the instance configuration (its schema is the
 *   manifest's config_schema), or NULL for "{}". Borrowed for the call.
 * - out: receives the instance. Must not be NULL.
 * Return value: AH_OK, or AH_INVALID_ARGUMENT (NULL out, malformed or invalid config), or
 *   AH_ERROR. On failure *out is still set, whenever memory allows, to an instance that only
 *   reports the error: read ah_plugin_last_error(*out), then pass it to ah_plugin_destroy().
 *   ah_plugin_invoke() on such an instance returns AH_ERROR with the creation error.
 * Ownership: the caller owns *out and releases it with ah_plugin_destroy().
 * Concurrency: any thread; creating several instances at once is allowed.
 */
typedef ah_status (*ah_plugin_create_fn)(const ah_host_api* host, const char* config_json,
                                         ah_instance** out);
AH_EXPORT ah_status ah_plugin_create(const ah_host_api* host, const char* config_json,
                                     ah_instance** out);

/*
 * ah_plugin_destroy: destroys an instance and everything it returned (result, last error).
 * Required: yes.
 * Arguments:
 * - instance: from ah_plugin_create(), or NULL (then nothing happens).
 * Ownership: ends the caller's; the instance's strings are invalid afterwards.
 * Concurrency: must not overlap any other call on the same instance, ah_plugin_cancel()
 *   included. Destroy every instance before unloading the library.
 */
typedef void (*ah_plugin_destroy_fn)(ah_instance* instance);
AH_EXPORT void ah_plugin_destroy(ah_instance* instance);

/*
 * ah_plugin_invoke: runs one action.
 * Required: yes.
 * Arguments:
 * - instance: from ah_plugin_create().
 * - action: NUL-terminated action name, one of the manifest's actions[].name.
 * - params_json: the parameters, a JSON object of params_len bytes (no NUL needed; an embedded
 *   NUL makes the JSON malformed). Borrowed for the call.
 * - result_json, result_len: receive the result (must not be NULL).
 * Return value: AH_OK when the action succeeded. Otherwise AH_INVALID_ARGUMENT (NULL pointer,
 *   malformed JSON, invalid parameters), AH_UNKNOWN_ACTION, AH_CANCELLED, AH_TIMEOUT or AH_ERROR.
 *   Whenever instance, result_json and result_len are non-NULL, *result_json receives exactly
 *   one JSON object (NUL-terminated, *result_len bytes without the NUL), on success and on
 *   failure alike: {"ok": true, ...} or {"ok": false, "error": {"type", "message",
 *   "retryable", ...action-specific fields}, ...}.
 * Ownership: the result belongs to the instance; valid until the next call on it (other than
 *   ah_plugin_cancel()) or ah_plugin_destroy().
 * Concurrency: calls on one instance must be serialised by the caller; distinct instances run in
 *   parallel.
 */
typedef ah_status (*ah_plugin_invoke_fn)(ah_instance* instance, const char* action,
                                         const char* params_json, size_t params_len,
                                         const char** result_json, size_t* result_len);
AH_EXPORT ah_status ah_plugin_invoke(ah_instance* instance, const char* action,
                                     const char* params_json, size_t params_len,
                                     const char** result_json, size_t* result_len);

/*
 * ah_plugin_last_error: the message of the last non-OK status returned for the instance.
 * Required: yes.
 * Arguments:
 * - instance: from ah_plugin_create(), or NULL (then a static message about the NULL instance).
 * Return value: NUL-terminated UTF-8, never NULL; "" when the last call succeeded.
 * Ownership: the instance's; valid until the next call on it (other than ah_plugin_cancel()) or
 *   its destroy.
 * Concurrency: same rule as ah_plugin_invoke().
 */
typedef const char* (*ah_plugin_last_error_fn)(const ah_instance* instance);
AH_EXPORT const char* ah_plugin_last_error(const ah_instance* instance);

/*
 * ah_plugin_cancel: asks the instance to stop the invocation in progress as soon as possible
 * (cooperative). The plugin interrupts any sleep or network wait promptly and returns
 * AH_CANCELLED with a result that says what had already happened. A cancel that arrives while no
 * invocation is running makes the next invocation return AH_CANCELLED at once; each invocation
 * consumes it.
 * Required: yes (a plugin with nothing to interrupt may only set a flag).
 * Arguments:
 * - instance: from ah_plugin_create(), or NULL (then nothing happens).
 * Concurrency: any thread, at any time between create and destroy; async-signal-safe, so a host
 *   may call it from a signal handler.
 */
typedef void (*ah_plugin_cancel_fn)(ah_instance* instance);
AH_EXPORT void ah_plugin_cancel(ah_instance* instance);

/*
 * The exports as a host holds them once resolved. Host-side only: no plugin ever sees this
 * struct, so it is not part of the binary interface (a later minor may append members for new
 * exports).
 */
typedef struct ah_plugin_table {
    ah_plugin_api_version_fn api_version;
    ah_plugin_manifest_fn manifest;
    ah_plugin_create_fn create;
    ah_plugin_destroy_fn destroy;
    ah_plugin_invoke_fn invoke;
    ah_plugin_last_error_fn last_error;
    ah_plugin_cancel_fn cancel;
} ah_plugin_table;

/* One export a host resolves: its name and the offset of its member in ah_plugin_table. */
typedef struct ah_plugin_symbol {
    const char* name;
    size_t table_offset;
} ah_plugin_symbol;

#define AH_PLUGIN_SYMBOL_COUNT 7

/*
 * Every export of this API version, in the order a host resolves them: ah_plugin_api_version
 * first, so that a plugin of another version is refused by the version rule rather than for a
 * symbol it lacks. All are required. A host loops over this list, looks each name up (dlsym) and
 * stores the address with ah_plugin_table_store().
 */
static const ah_plugin_symbol ah_plugin_symbols[AH_PLUGIN_SYMBOL_COUNT] = {
    {"ah_plugin_api_version", offsetof(ah_plugin_table, api_version)},
    {"ah_plugin_manifest", offsetof(ah_plugin_table, manifest)},
    {"ah_plugin_create", offsetof(ah_plugin_table, create)},
    {"ah_plugin_destroy", offsetof(ah_plugin_table, destroy)},
    {"ah_plugin_invoke", offsetof(ah_plugin_table, invoke)},
    {"ah_plugin_last_error", offsetof(ah_plugin_table, last_error)},
    {"ah_plugin_cancel", offsetof(ah_plugin_table, cancel)}};

/*
 * Stores the address found for ah_plugin_symbols[index] in its member of `table`.
 * Arguments:
 * - table: the host's table. Must not be NULL.
 * - index: below AH_PLUGIN_SYMBOL_COUNT.
 * - address: what dlsym() returned for the symbol's name.
 * ISO C has no conversion from void* to a function pointer; POSIX guarantees that both have the
 * same representation, so the bytes are copied.
 */
static inline void ah_plugin_table_store(ah_plugin_table* table, size_t index, void* address) {
    memcpy((char*)table + ah_plugin_symbols[index].table_offset, &address, sizeof address);
}

/* Verdict of the version rule on a plugin's ah_plugin_api_version(). */
typedef enum ah_api_version_verdict {
    AH_API_VERSION_ACCEPTED = 0,
    AH_API_VERSION_MALFORMED = 1,     /* NULL or not "MAJOR.MINOR.PATCH" */
    AH_API_VERSION_HOST_TOO_OLD = 2,  /* newer major, newer minor, or same minor and newer patch */
    AH_API_VERSION_PLUGIN_TOO_OLD = 3 /* older major */
} ah_api_version_verdict;

/*
 * Parses a version strictly: three decimal numbers separated by '.', nothing before or after,
 * no sign, no blank, no leading zero (as semantic versioning), each at most 4294967295.
 * Arguments:
 * - text: NUL-terminated, or NULL (not a version).
 * - parts: receives major, minor and patch. Must not be NULL.
 * Return value: 1 when text is a version, otherwise 0 (parts then undefined).
 */
static inline int ah_plugin_api_version_parse(const char* text, uint32_t parts[3]) {
    int i;
    if (text == NULL)
        return 0;
    for (i = 0; i < 3; ++i) {
        uint32_t value = 0;
        if (i > 0 && *text++ != '.')
            return 0;
        if (*text < '0' || *text > '9')
            return 0;
        if (*text == '0' && text[1] >= '0' && text[1] <= '9')
            return 0;
        for (; *text >= '0' && *text <= '9'; ++text) {
            const uint32_t digit = (uint32_t)(*text - '0');
            if (value > (0xFFFFFFFFu - digit) / 10u)
                return 0;
            value = value * 10u + digit;
        }
        parts[i] = value;
    }
    return *text == '\0';
}

/*
 * The version rule for a host of the given version: majors equal; host minor at least the
 * plugin's; with equal minors, host patch at least the plugin's.
 * Arguments:
 * - plugin_version: what the plugin's ah_plugin_api_version() returned (may be NULL).
 * - host_major, host_minor, host_patch: the host's version.
 * Return value: AH_API_VERSION_ACCEPTED, or which side is too old, or that the plugin's version
 *   is malformed.
 */
static inline ah_api_version_verdict ah_plugin_api_version_check(const char* plugin_version,
                                                                 uint32_t host_major,
                                                                 uint32_t host_minor,
                                                                 uint32_t host_patch) {
    uint32_t plugin[3];
    if (!ah_plugin_api_version_parse(plugin_version, plugin))
        return AH_API_VERSION_MALFORMED;
    if (plugin[0] != host_major)
        return plugin[0] > host_major ? AH_API_VERSION_HOST_TOO_OLD : AH_API_VERSION_PLUGIN_TOO_OLD;
    if (plugin[1] != host_minor)
        return plugin[1] > host_minor ? AH_API_VERSION_HOST_TOO_OLD : AH_API_VERSION_ACCEPTED;
    return plugin[2] > host_patch ? AH_API_VERSION_HOST_TOO_OLD : AH_API_VERSION_ACCEPTED;
}

/*
 * Whether a host built against this header accepts a plugin: the version rule with this header's
 * AH_PLUGIN_API_VERSION as the host's version.
 * Arguments:
 * - plugin_version: what the plugin's ah_plugin_api_version() returned (may be NULL).
 * Return value: 1 when accepted, otherwise 0 (ah_plugin_api_version_check() says why).
 * Concurrency: a pure function; any thread.
 */
static inline int ah_plugin_api_version_compatible(const char* plugin_version) {
    return ah_plugin_api_version_check(plugin_version, AH_PLUGIN_API_VERSION_MAJOR,
                                       AH_PLUGIN_API_VERSION_MINOR,
                                       AH_PLUGIN_API_VERSION_PATCH) == AH_API_VERSION_ACCEPTED;
}

#ifdef __cplusplus
}
#endif

#endif /* ACTIONHOST_PLUGIN_API_H */
