#include <actionhost/json/members.hpp>

#include <algorithm>

namespace actionhost::json {
namespace {

// Keeps the values of depth 1 (the document's own members); deeper events only track depth.
class members_collector : public handler {
  public:
    explicit members_collector(object_members& out) : out_(out) { out_.members.reserve(16); }

    void begin_object() override {
        if (depth_ == 0)
            out_.is_object = true;
        else
            set_kind(member::kind::object);
        ++depth_;
    }
    void member_name(std::string_view name) override {
        if (depth_ == 1 && out_.is_object)
            out_.members.push_back({std::string(name), member::kind::null, false, {}, {}});
    }
    void end_object() override { --depth_; }
    void begin_array() override {
        set_kind(member::kind::array);
        ++depth_;
    }
    void end_array() override { --depth_; }
    void string_value(std::string_view value) override {
        if (set_kind(member::kind::string))
            out_.members.back().text.assign(value);
    }
    void number_value(const number& value) override {
        if (set_kind(member::kind::number))
            out_.members.back().number = value;
    }
    void boolean_value(bool value) override {
        if (set_kind(member::kind::boolean))
            out_.members.back().boolean = value;
    }
    void null_value() override { set_kind(member::kind::null); }

  private:
    // True when the value is one of the document's members (then its kind is recorded): at depth
    // 1 of a document that is an object (in a top-level array, depth 1 holds elements).
    bool set_kind(member::kind type) {
        if (depth_ != 1 || !out_.is_object)
            return false;
        out_.members.back().type = type;
        return true;
    }

    object_members& out_;
    int depth_ = 0;
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
    members_collector collector(out);
    parse(text, collector, options);
    std::sort(out.members.begin(), out.members.end(),
              [](const member& a, const member& b) { return a.name < b.name; });
    return out;
}

}  // namespace actionhost::json
