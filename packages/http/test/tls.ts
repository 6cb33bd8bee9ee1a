/**
 * A self-signed certificate and its key, for tests only: the https test servers present it and
 * the clients under test trust it through their `ca` option. It names feeds.test, a.test, b.test,
 * c.test and other.test (resolved to 127.0.0.1 by `testResolver`) and is valid from 2025 to 2125.
 * Made with OpenSSL: a P-256 key, self-signed with `openssl ca -selfsign`.
 */
export const TEST_TLS = {
  cert: `-----BEGIN CERTIFICATE-----
MIIBrDCCAVKgAwIBAgIBATAKBggqhkjOPQQDAjAVMRMwEQYDVQQDDApmZWVkcy50
ZXN0MCAXDTI1MDEwMTAwMDAwMFoYDzIxMjUwMTAxMDAwMDAwWjAVMRMwEQYDVQQD
DApmZWVkcy50ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEvjp9rYmYC5cD
Na5ha22OCjG4yENmLWhE2BvI50tYx0bTY45zWlLEvfI9pp+gHET32XyxThLNLZ2/
OIc/c6XiIqOBkDCBjTA5BgNVHREEMjAwggpmZWVkcy50ZXN0ggZhLnRlc3SCBmIu
dGVzdIIGYy50ZXN0ggpvdGhlci50ZXN0MAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/
BAQDAgeAMBMGA1UdJQQMMAoGCCsGAQUFBwMBMB0GA1UdDgQWBBT3Z4cTHPl6qRLD
cGFyxVjL8UsERTAKBggqhkjOPQQDAgNIADBFAiEA4l0pNnA4dkrL5V+EL8zraisZ
3vJNHBJo43KUh6qYLHwCICbHKv+XveI/x9GYUrkRPXrfWND3L/8YweuMTnaAKoLb
-----END CERTIFICATE-----
`,
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg5d34DYoAx6zCDy8F
1ERpybHVko60sGBJKWEEDRBIZz6hRANCAAS+On2tiZgLlwM1rmFrbY4KMbjIQ2Yt
aETYG8jnS1jHRtNjjnNaUsS98j2mn6AcRPfZfLFOEs0tnb84hz9zpeIi
-----END PRIVATE KEY-----
`,
};
