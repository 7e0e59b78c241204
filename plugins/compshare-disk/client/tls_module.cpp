#include "tls_module.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <system_error>

namespace compshare {

void tls_module::library_closer::operator()(void* handle) const noexcept {
    ::dlclose(handle);
}

std::string tls_module::default_directory() {
    Dl_info info{};
    if (::dladdr(reinterpret_cast<void*>(&tls_module::default_directory), &info) == 0 ||
        info.dli_fname == nullptr)
        return ".";
    std::filesystem::path object(info.dli_fname);
    if (!object.has_parent_path()) {
        // The main program started by a bare name (found on PATH): ask the kernel where it is.
        std::error_code error;
        object = std::filesystem::read_symlink("/proc/self/exe", error);
    }
    return object.has_parent_path() ? object.parent_path().string() : ".";
}

tls_module::tls_module(const std::string& directory)
    : path_((std::filesystem::path(directory) / tls_module_file).string()) {
    // RTLD_NODELETE: OpenSSL and Poco keep process-wide state that must outlive a dlclose; the
    // module is mapped once and stays, however many transports come and go.
    handle_.reset(::dlopen(path_.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE));
    if (!handle_) {
        const char* why = ::dlerror();
        throw tls_module_error(
            "cannot load the TLS module " + path_ +
            " (needed for an https base_url): " + (why != nullptr ? why : "unknown error"));
    }
    make_ =
        reinterpret_cast<make_tls_connector_function*>(::dlsym(handle_.get(), tls_module_entry));
    if (make_ == nullptr) {
        throw tls_module_error("the TLS module " + path_ + " has no " + tls_module_entry +
                               " (a library of another version?)");
    }
}

std::unique_ptr<tls_connector> tls_module::make_connector(const client_settings& settings) const {
    tls_connector_setup setup;
    make_(settings, setup);
    if (!setup.connector)
        throw tls_setup_error(setup.error.empty() ? "cannot set up TLS" : setup.error);
    return std::move(setup.connector);
}

}  // namespace compshare
