#include "describe_records.hpp"

#include <algorithm>
#include <array>

namespace compshare::detach {
namespace {

using actionhost::json::member;

constexpr std::array<std::string_view, 5> host_fields = {"DiskSet", "Region", "State", "UHostId",
                                                         "Zone"};
constexpr std::array<std::string_view, 6> disk_fields = {"DiskId", "DiskType", "Drive",
                                                         "IsBoot", "Size",     "Type"};

bool is_one_of(std::string_view name, const std::string_view* first, const std::string_view* last) {
    return std::find(first, last, name) != last;
}

// Where the reader is: each open object or array is one of these.
enum class place { root, host_set, host, disk_set, disk, elsewhere };

class collector : public actionhost::json::handler {
  public:
    explicit collector(describe_records& out) : out_(out) {}

    void begin_object() override { open(true); }
    void end_object() override { close(); }
    void begin_array() override { open(false); }
    void end_array() override { close(); }

    void member_name(std::string_view name) override {
        auto& where = open_.back();
        where.name = name;  // valid until the value's first event, which is all it is used for
        actionhost::json::object_members* fields = members_here();
        const bool kept = where.at == place::root ? name == "UHostSet"
                          : where.at == place::host
                              ? is_one_of(name, host_fields.begin(), host_fields.end())
                              : where.at == place::disk &&
                                    is_one_of(name, disk_fields.begin(), disk_fields.end());
        where.kept = kept && fields != nullptr;
        if (where.kept)
            fields->members.push_back({std::string(name), member::kind::null, false, {}, {}});
    }

    void string_value(std::string_view value) override {
        if (member* m = scalar(member::kind::string))
            m->text.assign(value);
    }
    void number_value(const actionhost::json::number& value) override {
        if (member* m = scalar(member::kind::number))
            m->number = value;
    }
    void boolean_value(bool value) override {
        if (member* m = scalar(member::kind::boolean))
            m->boolean = value;
    }
    void null_value() override { scalar(member::kind::null); }

  private:
    struct level {
        place at;
        std::string_view name;  // the member being read (in an object)
        bool kept = false;      // that member is collected
    };

    // The members collected for the innermost open object, if it is one that is collected.
    actionhost::json::object_members* members_here() {
        switch (open_.back().at) {
            case place::root:
                return &out_.top;
            case place::host:
                return &out_.hosts.back().members;
            case place::disk:
                return &out_.hosts.back().disks.back().members;
            default:
                return nullptr;
        }
    }

    // A value that is not an object or array: recorded as the current member, or as an entry
    // of UHostSet or DiskSet that is not an object.
    member* scalar(member::kind kind) {
        if (open_.empty())
            return nullptr;
        entry(false);
        auto& where = open_.back();
        if (!where.kept)
            return nullptr;
        member* m = &members_here()->members.back();
        m->type = kind;
        return m;
    }

    // A value inside UHostSet or DiskSet is one entry.
    void entry(bool is_object) {
        record* added = nullptr;
        if (open_.back().at == place::host_set)
            added = &out_.hosts.emplace_back();
        else if (open_.back().at == place::disk_set)
            added = &out_.hosts.back().disks.emplace_back();
        if (added != nullptr) {
            added->is_object = is_object;
            added->members.members.reserve(disk_fields.size());
        }
    }

    void open(bool object) {
        place at = place::elsewhere;
        if (open_.empty()) {
            at = object ? place::root : place::elsewhere;
        } else {
            entry(object);
            auto& parent = open_.back();
            if (parent.kept)
                members_here()->members.back().type =
                    object ? member::kind::object : member::kind::array;
            if (parent.at == place::root && parent.kept && !object)
                at = place::host_set;
            else if (parent.at == place::host_set && object)
                at = place::host;
            else if (parent.at == place::host && parent.kept && parent.name == "DiskSet" && !object)
                at = place::disk_set;
            else if (parent.at == place::disk_set && object)
                at = place::disk;
        }
        if (at == place::root)
            out_.top.is_object = true;
        open_.push_back({at, {}, false});
    }

    void close() {
        open_.pop_back();
        if (!open_.empty())
            open_.back().kept = false;  // the member's value is read
    }

    describe_records& out_;
    std::vector<level> open_;
};

}  // namespace

describe_records read_describe_records(std::string_view body) {
    describe_records out;
    collector events(out);
    actionhost::json::parse(body, events);
    return out;
}

}  // namespace compshare::detach
