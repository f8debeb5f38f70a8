#include "gateway/server/path_dispatch.h"

#include <utility>

namespace isagw::server {

PathDispatch::PathDispatch(Matches matches, std::shared_ptr<RequestHandler> matched,
                           std::shared_ptr<RequestHandler> rest)
    : matches_(std::move(matches)), matched_(std::move(matched)), rest_(std::move(rest)) {}

RequestHandler& PathDispatch::For(const HttpRequest& request) const {
  return matches_(request.Path()) ? *matched_ : *rest_;
}

std::optional<HttpResponse> PathDispatch::Admit(const HttpRequest& head) {
  return For(head).Admit(head);
}

HttpResponse PathDispatch::Handle(const HttpRequest& request) {
  return For(request).Handle(request);
}

std::optional<std::uint64_t> PathDispatch::BodyLimit(const HttpRequest& head) const {
  return For(head).BodyLimit(head);
}

std::string PathDispatch::RouteLabel(const HttpRequest& head) const {
  return For(head).RouteLabel(head);
}

}  // namespace isagw::server
