#include "compshare_emulator/signature.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA1Engine.h>

namespace compshare_emulator {

std::string compute_signature(const param_map& params, const std::string& private_key) {
    // std::map orders std::string keys bytewise, which is the order the SDKs sort in.
    Poco::SHA1Engine sha1;
    for (const auto& [key, value] : params) {
        if (key == "Signature") {
            continue;
        }
        sha1.update(key);
        sha1.update(value);
    }
    sha1.update(private_key);
    return Poco::DigestEngine::digestToHex(sha1.digest());
}

}  // namespace compshare_emulator
