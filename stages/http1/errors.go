package http1

// The parser's rejections. They are shared values so that rejecting a
// request allocates nothing; treat them as read-only.
var (
	errBareCR        = &Error{400, "bare CR"}
	errBareLF        = &Error{400, "bare LF (lines end in CRLF)"}
	errEmptyLines    = &Error{400, "too many empty lines before the request line"}
	errMethod        = &Error{400, "invalid method token"}
	errMethodUnknown = &Error{501, "unknown method"}
	errTarget        = &Error{400, "invalid request target"}
	errTargetLong    = &Error{414, "request target too long"}
	errVersion       = &Error{400, "malformed HTTP version"}
	errVersionMajor  = &Error{505, "HTTP major version not supported"}

	errObsFold       = &Error{400, "obsolete line folding"}
	errFieldName     = &Error{400, "invalid field name"}
	errFieldValue    = &Error{400, "invalid byte in field value"}
	errHeadTooLarge  = &Error{431, "header block too large"}
	errTooManyFields = &Error{431, "too many header fields"}

	errHostMissing   = &Error{400, "missing Host"}
	errHostDuplicate = &Error{400, "more than one Host"}
	errHostInvalid   = &Error{400, "invalid Host"}
	errLength        = &Error{400, "invalid Content-Length"}
	errLengthConfl   = &Error{400, "conflicting Content-Length"}
	errLengthAndTE   = &Error{400, "Content-Length with Transfer-Encoding"}
	errTE10          = &Error{400, "Transfer-Encoding in an HTTP/1.0 request"}
	errTEUnknown     = &Error{501, "unsupported transfer coding"}
	errTEChunked     = &Error{400, "chunked is not the final coding exactly once"}
	errExpect        = &Error{417, "unsupported expectation"}
	errBodyTooLarge  = &Error{413, "body too large"}

	errChunkSize       = &Error{400, "invalid chunk size line"}
	errChunkData       = &Error{400, "chunk data not followed by CRLF"}
	errTrailerTooLarge = &Error{431, "trailer section too large"}
)
