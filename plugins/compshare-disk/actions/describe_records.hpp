// The parts of a DescribeCompShareInstance reply that instance_view reads, collected in one pass
// of the JSON reader without a DOM: the UHostSet entries' own members and their DiskSet entries'
// members, only those named in describe_records.cpp (so Password and SshLoginCommand are never
// copied). Nested values are kept by kind only.
#pragma once

#include <actionhost/json/members.hpp>

#include <string_view>
#include <vector>

namespace compshare::detach {

struct record {
    bool is_object = false;                    // false: the entry is another kind of value
    actionhost::json::object_members members;  // the fields instance_view reads, if given
};

struct host_record : record {
    std::vector<record> disks;  // DiskSet's entries, when DiskSet is an array
};

struct describe_records {
    actionhost::json::object_members top;  // the reply's UHostSet member only (kind only)
    std::vector<host_record> hosts;        // UHostSet's entries, when it is an array
};

// Throws actionhost::json::parse_error.
describe_records read_describe_records(std::string_view body);

}  // namespace compshare::detach
