// application/x-www-form-urlencoded bodies.
#pragma once

#include <map>
#include <string>

namespace compshare {

// key=value&key=value in map order; everything but ALPHA DIGIT - . _ ~ percent-encoded
// (UTF-8 bytes, space as %20), which every form decoder reads back unchanged.
std::string form_encode(const std::map<std::string, std::string>& params);

}  // namespace compshare
