import { describe, expect, it } from 'vitest';
import { redactUrl, urlCredentialWarning, urlSecrets } from '../../src/stackai/url-credentials.js';

describe('redactUrl', () => {
  it.each([
    ['https://api.stack-ai.com', 'https://api.stack-ai.com'],
    ['https://api.stack-ai.com/proxy?region=eu&v=2', 'https://api.stack-ai.com/proxy?region=eu&v=2'],
    ['https://bob:s3cret@api.example.com/x', 'https://***@api.example.com/x'],
    ['https://sk-abc@api.example.com', 'https://***@api.example.com'],
    ['https://u:p@ss@host/x', 'https://***@host/x'], // an unencoded @ in the password: the last @ ends it
    ['https://h/x?key=abc&region=eu', 'https://h/x?key=***&region=eu'],
    [
      'https://h/?token=a&api_key=b&apikey=c&access_token=d&auth=e&sig=f&signature=g&secret=h&password=i',
      'https://h/?token=***&api_key=***&apikey=***&access_token=***&auth=***&sig=***&signature=***&secret=***&password=***',
    ],
    ['https://h/?X-Amz-Signature=abc&X-Amz-Date=1', 'https://h/?X-Amz-Signature=***&X-Amz-Date=1'],
    ['https://h/#access_token=abc', 'https://h/#access_token=***'],
    ['https://h/?design=1&signal=2', 'https://h/?design=1&signal=2'], // names that only contain "sig"
    ['https://h/?key=', 'https://h/?key='],
    // Invalid URLs are shown in error messages: cut the same way.
    ['htps//bob:pw@host?key=abc', 'htps//***@host?key=***'],
    ['bob:pw@host', '***@host'],
    ['not a url key=abc', 'not a url key=abc'],
    ['simulator', 'simulator'],
  ])('%s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });
});

describe('urlSecrets', () => {
  it('the userinfo whole and in parts, and credential-like parameters, raw and decoded', () => {
    expect(urlSecrets('https://bob:p%40ss@h/?key=a%2Bb&v=visible')).toEqual(['bob:p%40ss', 'bob:p@ss', 'bob', 'p%40ss', 'p@ss', 'a%2Bb', 'a+b']);
    expect(urlSecrets('https://api.stack-ai.com/x?v=1')).toEqual([]);
    expect(urlSecrets('simulator')).toEqual([]);
  });
});

describe('urlCredentialWarning', () => {
  it('names what the URL carries and says where the key belongs', () => {
    expect(urlCredentialWarning('https://h/x?key=abc&token=d')).toMatch(/^the base URL carries a credential \(query parameters key, token\).*target\.token/);
    expect(urlCredentialWarning('https://bob:pw@h')).toMatch(/a user:password part/);
    expect(urlCredentialWarning('https://bob:pw@h')).not.toMatch(/pw/);
    expect(urlCredentialWarning('https://api.stack-ai.com?region=eu')).toBeNull();
    expect(urlCredentialWarning('simulator')).toBeNull();
  });
});
