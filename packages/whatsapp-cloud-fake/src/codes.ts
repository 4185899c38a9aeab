/**
 * Meta's error codes the fake can answer with: the title that follows `(#code) ` in `message`, and the
 * HTTP status Meta's older per-code table gives (Meta says to judge errors by `code`, never by status,
 * and some proxies answer 429 for throttling: `httpStatusFor` overrides a status per code).
 */
export interface ErrorCodeInfo {
  title: string
  http: number
}

export const ERROR_CODES: Readonly<Record<number, ErrorCodeInfo>> = {
  0: { title: 'AuthException', http: 401 },
  1: { title: 'API Unknown', http: 400 },
  2: { title: 'API Service', http: 503 },
  3: { title: 'API Method', http: 500 },
  4: { title: 'API Too Many Calls', http: 400 },
  10: { title: 'API Permission Denied', http: 403 },
  100: { title: 'Invalid parameter', http: 400 },
  190: { title: 'Access token has expired', http: 401 },
  368: { title: 'Temporarily blocked for policies violations', http: 403 },
  80007: { title: 'Rate limit issues', http: 400 },
  130403: { title: 'Recipient blocked by the business', http: 400 },
  130429: { title: 'Rate limit hit', http: 400 },
  130472: { title: "User's number is part of an experiment", http: 400 },
  130497: { title: 'Business account is restricted from messaging users in this country', http: 403 },
  131000: { title: 'Something went wrong', http: 500 },
  131005: { title: 'Access denied', http: 403 },
  131008: { title: 'Required parameter is missing', http: 400 },
  131009: { title: 'Parameter value is not valid', http: 400 },
  131016: { title: 'Service unavailable', http: 500 },
  131021: { title: 'Recipient cannot be sender', http: 400 },
  131026: { title: 'Message Undeliverable', http: 400 },
  131030: { title: 'Recipient phone number not in allowed list', http: 400 },
  131031: { title: 'Business Account locked', http: 403 },
  131042: { title: 'Business eligibility payment issue', http: 400 },
  131045: { title: 'Incorrect certificate', http: 500 },
  131047: { title: 'Re-engagement message', http: 400 },
  131048: { title: 'Spam rate limit hit', http: 400 },
  131049: { title: 'This message was not delivered to maintain healthy ecosystem engagement', http: 400 },
  131050: { title: 'Unable to deliver the message: the recipient stopped marketing messages', http: 400 },
  131051: { title: 'Unsupported message type', http: 400 },
  131056: { title: '(Business Account, Consumer Account) pair rate limit hit', http: 400 },
  131057: { title: 'Account in maintenance mode', http: 500 },
  131064: { title: 'Template category messaging limit hit', http: 400 },
  132000: { title: 'Number of parameters does not match the expected number of params', http: 400 },
  132001: { title: 'Template name does not exist in the translation', http: 404 },
  132005: { title: 'Translated text too long', http: 400 },
  132007: { title: 'Template Format Character Policy Violated', http: 400 },
  132012: { title: 'Parameter format does not match format in the created template', http: 400 },
  132015: { title: 'Template is Paused', http: 400 },
  132016: { title: 'Template is Disabled', http: 400 },
  132018: { title: 'There was an issue with the parameters in your template', http: 400 },
  133004: { title: 'Server Temporarily Unavailable', http: 503 },
  133010: { title: 'Phone number Not Registered', http: 400 },
  133016: { title: 'Account register deregister rate limit exceeded', http: 400 }
}

/** 200–299 are one family in Meta's table. */
export function errorCodeInfo (code: number): ErrorCodeInfo | undefined {
  if (code >= 200 && code <= 299) return { title: 'API Permission', http: 403 }
  return ERROR_CODES[code]
}
