#include <actionhost/json/member_slots.hpp>
#include <actionhost/json/members.hpp>

#include <algorithm>

namespace actionhost::json {
namespace {

// Each of the document's own members, in the order they come.
class members_collector : public member_slots<member> {
  public:
    explicit members_collector(std::vector<member>& members) : members_(members) {
        members_.reserve(16);
    }

  private:
    member* slot_for(std::string_view name) override {
        members_.push_back({std::string(name), member::kind::null, false, {}, {}});
        return &members_.back();
    }

    std::vector<member>& members_;
};

}  // namespace

const member* object_members::find(std::string_view name) const {
    // Flat objects are small: a plain search.
    const auto it = std::find_if(members.begin(), members.end(),
                                 [name](const member& m) { return m.name == name; });
    return it != members.end() ? &*it : nullptr;
}

object_members read_members(std::string_view text, parse_options options) {
    object_members out;
    members_collector collector(out.members);
    parse(text, collector, options);
    out.is_object = collector.is_object;
    std::sort(out.members.begin(), out.members.end(),
              [](const member& a, const member& b) { return a.name < b.name; });
    return out;
}

}  // namespace actionhost::json
