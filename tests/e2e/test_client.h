// TestClient: an agency's system as the gateway sees it — a synchronous
// HTTPS client that presents one example agency's certificate, checks the
// gateway's certificate against the example CA and its name (localhost),
// and makes one request per connection. AdminGet reads the plain-HTTP
// admin listener. Beast stays inside test_client.cc.
//
// Every operation has a generous timeout, only so that a broken gateway
// fails a test instead of hanging it; nothing asserts on time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace isagw::e2e {

struct HttpReply {
  std::string error;  // a transport failure; empty when an answer was read
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string Header(const std::string& lower_case_name) const;
  // The body as JSON; null when it is not JSON.
  nlohmann::json Json() const;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

class TestClient {
 public:
  // `identity`: the certificate <certs_dir>/<identity>.crt and its key.
  TestClient(std::filesystem::path certs_dir, std::string identity, std::uint16_t port);

  HttpReply Request(const std::string& method, const std::string& target,
                    const HttpHeaders& headers = {}, const std::string& body = "") const;
  HttpReply Get(const std::string& target) const { return Request("GET", target); }
  HttpReply Post(const std::string& target, const std::string& content_type,
                 const std::string& body, const HttpHeaders& extra = {}) const;

 private:
  std::filesystem::path certs_dir_;
  std::string identity_;
  std::uint16_t port_;
};

// A request on the admin listener (plain HTTP on 127.0.0.1).
HttpReply AdminGet(std::uint16_t port, const std::string& target);

}  // namespace isagw::e2e
