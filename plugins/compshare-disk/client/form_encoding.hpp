// application/x-www-form-urlencoded bodies.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace compshare {

// A request's parameters as views into strings the caller keeps, sorted by key (bytewise): a
// request is signed and encoded from these without copying its parameters.
using param_views = std::vector<std::pair<std::string_view, std::string_view>>;

// key=value&key=value in the given order; everything but ALPHA DIGIT - . _ ~ percent-encoded
// (UTF-8 bytes, space as %20), which every form decoder reads back unchanged.
std::string form_encode(const std::map<std::string, std::string>& params);
std::string form_encode_views(const param_views& params);

}  // namespace compshare
