// Umbrella header of the wire library: the AWS protocol pieces shared by the mock endpoint and the
// conformance harness (RFC 3339 timestamps, restJson1 error types and encoding, SigV4 signing and
// verification, sealed pagination tokens).
#pragma once

#include "wire/error_encoding.h"
#include "wire/error_type.h"
#include "wire/pagination_token.h"
#include "wire/rfc3339.h"
#include "wire/sigv4.h"
