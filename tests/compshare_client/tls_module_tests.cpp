// The TLS module loaded on demand (client/tls_module.hpp): its failure paths name the file, and
// the module built next to this program makes connectors that refuse a ca_file that does not load.
#include "client/settings.hpp"
#include "client/tls_module.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using Catch::Matchers::Contains;
using compshare::tls_module;
using compshare::tls_module_error;

TEST_CASE("tls_module: a missing module is an error naming its path", "[compshare_client][tls]") {
    test_support::temp_dir dir;
    const std::string expected = (dir / "libcompshare-disk-tls.so").string();
    CHECK_THROWS_WITH(tls_module(dir.path().string()),
                      Contains("cannot load the TLS module " + expected) &&
                          Contains("needed for an https base_url"));
}

TEST_CASE("tls_module: a file that is no library is refused with its path",
          "[compshare_client][tls]") {
    test_support::temp_dir dir;
    const std::string file = dir.write("libcompshare-disk-tls.so", "not an ELF file\n");
    CHECK_THROWS_AS(tls_module(dir.path().string()), tls_module_error);
    CHECK_THROWS_WITH(tls_module(dir.path().string()), Contains(file));
}

TEST_CASE("tls_module: a library without the entry point is refused", "[compshare_client][tls]") {
    test_support::temp_dir dir;
    // Another real shared library under the module's name.
    std::filesystem::copy_file(TEST_OTHER_LIBRARY, dir / "libcompshare-disk-tls.so");
    CHECK_THROWS_WITH(tls_module(dir.path().string()),
                      Contains("has no compshare_make_tls_connector_v1"));
}

TEST_CASE("tls_module: the built module makes connectors, and reports a bad ca_file",
          "[compshare_client][tls]") {
    const tls_module module(tls_module::default_directory());
    CHECK_THAT(module.path(), Contains("libcompshare-disk-tls.so"));
    compshare::client_settings settings;
    CHECK(module.make_connector(settings) != nullptr);  // the system store

    test_support::temp_dir dir;
    settings.ca_file = dir.write("junk.pem", "no certificate here\n");
    CHECK_THROWS_AS(module.make_connector(settings), compshare::tls_setup_error);
    CHECK_THROWS_WITH(module.make_connector(settings), Contains("ca_file " + settings.ca_file));
}
