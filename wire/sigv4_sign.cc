// SigV4 signing on the client side: sign_request.
#include "wire/sigv4.h"
#include "wire/text.h"

namespace lpe::wire {

void sign_request(HttpRequest& req, const Credentials& creds, std::string_view region,
                  std::string_view service, std::chrono::system_clock::time_point now) {
  const std::string amz_date = format_amz_date(now);
  const std::string date = amz_date.substr(0, 8);
  remove_headers(req.headers, "authorization");
  remove_headers(req.headers, "x-amz-date");
  req.headers.emplace_back("X-Amz-Date", amz_date);
  if (!creds.session_token.empty()) {
    remove_headers(req.headers, "x-amz-security-token");
    req.headers.emplace_back("X-Amz-Security-Token", creds.session_token);
  }
  const std::vector<std::string> signed_headers = default_signed_headers(req.headers);
  const std::string scope = credential_scope(date, region, service);
  const std::string sts = string_to_sign(amz_date, scope, canonical_request(req, signed_headers));
  const std::string signature =
      compute_signature(derive_signing_key(creds.secret_access_key, date, region, service), sts);
  std::string authorization(kSigV4Algorithm);
  authorization += " Credential=" + creds.access_key_id + "/" + scope;
  authorization += ", SignedHeaders=" + join(signed_headers, ";");
  authorization += ", Signature=" + signature;
  req.headers.emplace_back("Authorization", std::move(authorization));
}

}  // namespace lpe::wire
