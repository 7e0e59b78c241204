#include "request_log.hpp"

#include "compshare_emulator/server.hpp"

#include <Poco/JSON/Array.h>

#include <iostream>
#include <sstream>

namespace compshare_emulator {
namespace {

Poco::JSON::Object::Ptr record_json(const request_record& entry) {
    Poco::JSON::Object::Ptr object =
        Poco::makeShared<Poco::JSON::Object>(Poco::JSON_PRESERVE_KEY_ORDER);
    object->set("time", entry.time);
    object->set("request_id", entry.request_id);
    object->set("action", entry.action);
    Poco::JSON::Object::Ptr params =
        Poco::makeShared<Poco::JSON::Object>(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [key, value] : entry.params) {
        params->set(key, value);
    }
    object->set("params", params);
    Poco::JSON::Object::Ptr http =
        Poco::makeShared<Poco::JSON::Object>(Poco::JSON_PRESERVE_KEY_ORDER);
    http->set("method", entry.method);
    http->set("path", entry.path);
    http->set("content_type", entry.content_type);
    http->set("user_agent", entry.user_agent);
    http->set("u_timestamp_ms", entry.timestamp_ms);
    object->set("http", http);
    if (entry.ret_code) {
        object->set("ret_code", *entry.ret_code);
    } else {
        object->set("ret_code", Poco::Dynamic::Var());
    }
    if (entry.fault.isNull()) {
        object->set("fault", Poco::Dynamic::Var());
    } else {
        object->set("fault", entry.fault);
    }
    return object;
}

Poco::JSON::Object::Ptr counts_json(const std::map<std::string, int>& counts) {
    Poco::JSON::Object::Ptr object = Poco::makeShared<Poco::JSON::Object>();
    for (const auto& [action, n] : counts) {
        object->set(action, n);
    }
    return object;
}

bool is_secret(const std::string& key) {
    return key == "Signature" || key == "PublicKey" || key == "PrivateKey" ||
           key == "SecurityToken" || key.find("Password") != std::string::npos;
}

}  // namespace

param_map mask_secrets(param_map params) {
    for (auto& [key, value] : params) {
        if (is_secret(key)) {
            value = "***";
        }
    }
    return params;
}

request_log::request_log(const std::string& file, bool verbose) : verbose_(verbose) {
    if (!file.empty()) {
        file_.open(file, std::ios::app);
        if (!file_) {
            throw emulator_error("cannot open the request log file " + file);
        }
    }
}

void request_log::record(request_record entry) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!entry.action.empty()) {
        ++counts_[entry.action];
        if (entry.ret_code && *entry.ret_code == 0) {
            ++accepted_[entry.action];
        }
    }
    if (file_.is_open() || verbose_) {
        std::ostringstream line;
        record_json(entry)->stringify(line);
        line << '\n';
        if (file_.is_open()) {
            file_ << line.str();
            file_.flush();  // readers (tests, tail -f) see each request at once
        }
        if (verbose_) {
            std::cerr << "compshare-emulator: request " << line.str() << std::flush;
        }
    }
    records_.push_back(std::move(entry));
    if (records_.size() > max_records) {
        records_.pop_front();
        ++dropped_;
    }
}

std::string request_log::to_json() const {
    Poco::JSON::Object document(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::JSON::Array::Ptr list = Poco::makeShared<Poco::JSON::Array>();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& entry : records_) {
            list->add(record_json(entry));
        }
        document.set("requests", list);
        document.set("counts", counts_json(counts_));
        document.set("accepted", counts_json(accepted_));
        document.set("dropped", static_cast<unsigned long long>(dropped_));
    }
    std::ostringstream out;
    document.stringify(out);
    return out.str();
}

void request_log::clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    records_.clear();
    dropped_ = 0;
    counts_.clear();
    accepted_.clear();
}

int request_log::count(const std::string& action) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = counts_.find(action);
    return it == counts_.end() ? 0 : it->second;
}

int request_log::accepted(const std::string& action) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = accepted_.find(action);
    return it == accepted_.end() ? 0 : it->second;
}

}  // namespace compshare_emulator
