// The UCloud "VerifyAC" request signature, as the emulator checks it (reference §2). Exposed so
// tests can sign requests they send to the emulator by hand.
#pragma once

#include <map>
#include <string>

namespace compshare_emulator {

// Flat wire parameters: already flattened ("UHostIds.0") and stringified.
using param_map = std::map<std::string, std::string>;

// SHA-1 (lowercase hex) of key+value of every parameter except "Signature", keys sorted
// bytewise, followed by the private key. The caller includes PublicKey in params.
std::string compute_signature(const param_map& params, const std::string& private_key);

}  // namespace compshare_emulator
