// compshare-emulator: a local Compshare (UCloud) OpenAPI for tests, benchmarks and demos.
// In-process API: construct a server (it listens at once), point a client at base_url(), inject
// faults and inspect what reached it. See tests/emulator/README.md for the wire behaviour.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace compshare_emulator {

// The built-in default state's key pair: the public documentation test vector.
inline constexpr const char* default_public_key = "ucloudsomeone@example.com1296235120854146120";
inline constexpr const char* default_private_key = "46f09bb9fab4f12dfc160dae12273d5332b5debe";

// The built-in default state document (the format of options::state_json and --state).
std::string default_state_json();

struct options {
    std::string listen_host = "127.0.0.1";
    uint16_t port = 0;                        // 0 = pick a free port
    std::string state_json;                   // "" = built-in default state
    std::string tls_cert_file, tls_key_file;  // both set = HTTPS
    int detach_delay_ms = 0;       // a detached disk stays in DiskSet (detaching) this long
    int attach_delay_ms = 0;       // an attached disk shows in DiskSet only after this long
    std::string request_log_file;  // "" = none; else one JSON line per API request (appended)
    bool verbose = false;          // also write each request's (masked) JSON line to stderr
};

// Invalid options, state documents or fault documents.
class emulator_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class server {
  public:
    // Starts listening before returning (connections are accepted as soon as it returns).
    // Throws emulator_error on a bad state document or options, Poco exceptions on bind errors.
    explicit server(options opts);
    ~server();  // stop()
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    uint16_t port() const;
    // "http://127.0.0.1:PORT" (the listen host), or "https://localhost:PORT" with TLS, so that
    // the certificate's host name (localhost) verifies.
    std::string base_url() const;

    // Same documents as POST/DELETE /_emulator/faults. add_fault accepts one fault object or an
    // array of them; throws emulator_error when invalid.
    void add_fault(const std::string& fault_json);
    void clear_faults();
    std::string faults_json() const;  // the pending faults, as GET /_emulator/faults

    // Same documents as GET/PUT /_emulator/state. set_state throws emulator_error when invalid.
    std::string state_json() const;
    void set_state(const std::string& state_json);

    // Same document as GET /_emulator/requests; clear_requests() = DELETE /_emulator/requests.
    std::string requests_json() const;
    void clear_requests();
    int count(const std::string& action) const;     // API requests that reached the server
    int accepted(const std::string& action) const;  // of those, processed with RetCode 0

    // Stops accepting, finishes in-flight requests, closes idle keep-alive connections.
    // Idempotent.
    void stop();

  private:
    class impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace compshare_emulator
