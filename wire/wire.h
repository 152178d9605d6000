// Umbrella header of the wire library: the HTTP vocabulary and the AWS protocol pieces shared by
// the mock endpoint, the validators and the conformance harness (requests, responses and their
// parser, text helpers, media types, RFC 3339 timestamps, restJson1 error types and encoding,
// SigV4 signing and verification, sealed pagination tokens).
#pragma once

#include "wire/error_encoding.h"
#include "wire/error_type.h"
#include "wire/http.h"
#include "wire/media_type.h"
#include "wire/pagination_token.h"
#include "wire/rfc3339.h"
#include "wire/sigv4.h"
#include "wire/text.h"
