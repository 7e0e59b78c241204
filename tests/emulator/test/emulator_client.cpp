#include "emulator_client.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <stdexcept>

namespace emulator_test {

Poco::JSON::Object::Ptr reply::json() const {
    Poco::JSON::Parser parser;
    auto object = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
    if (object.isNull()) {
        throw std::runtime_error("not a JSON object: " + body);
    }
    return object;
}

int reply::ret_code() const {
    return json()->getValue<int>("RetCode");
}

param_map sign(param_map params, const std::string& public_key, const std::string& private_key) {
    params["PublicKey"] = public_key;
    params["Signature"] = compshare_emulator::compute_signature(params, private_key);
    return params;
}

std::string form_encode(const param_map& params) {
    std::string body;
    for (const auto& [key, value] : params) {
        std::string k, v;
        Poco::URI::encode(key, "!#$&'()*+,/:;=?@[]", k);
        Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]", v);
        body += (body.empty() ? "" : "&") + k + "=" + v;
    }
    return body;
}

reply request(uint16_t port, const std::string& method, const std::string& uri,
              const std::string& content_type, const std::string& body,
              const std::map<std::string, std::string>& headers) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(20, 0));
    Poco::Net::HTTPRequest http(method, uri, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!content_type.empty()) {
        http.setContentType(content_type);
    }
    for (const auto& [name, value] : headers) {
        http.set(name, value);
    }
    if (!body.empty() || method == "POST" || method == "PUT") {
        http.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(http) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    reply result;
    result.status = response.getStatus();
    result.reason = response.getReason();
    result.content_type = response.getContentType();
    result.request_id = response.get("X-UCLOUD-REQUEST-UUID", "");
    Poco::StreamCopier::copyToString(in, result.body);
    return result;
}

reply call(uint16_t port, const param_map& params) {
    auto it = params.find("Action");
    const std::string uri = it == params.end() ? "/" : "/?Action=" + it->second;
    return request(port, "POST", uri, "application/x-www-form-urlencoded",
                   form_encode(sign(params)));
}

std::string disk_ids(uint16_t port, const std::string& uhost_id) {
    const auto answer = call(
        port,
        {{"Action", "DescribeCompShareInstance"}, {"Region", "cn-wlcb"}, {"UHostIds.0", uhost_id}});
    auto hosts = answer.json()->getArray("UHostSet");
    if (hosts->size() != 1) {
        throw std::runtime_error("instance not found: " + answer.body);
    }
    std::string ids;
    auto disks = hosts->getObject(0)->getArray("DiskSet");
    for (std::size_t i = 0; i < disks->size(); ++i) {
        ids += (ids.empty() ? "" : ",") +
               disks->getObject(static_cast<unsigned>(i))->getValue<std::string>("DiskId");
    }
    return ids;
}

}  // namespace emulator_test
