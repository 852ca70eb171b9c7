import { parseDotenv } from './observability';

describe('parseDotenv (the console and the API read a pasted .env block alike)', () => {
  it('reads assignments, export, quotes and comments', () => {
    const text = [
      '# project keys',
      'PJ1_KEY=sk-one',
      'export PJ2_KEY = "sk-two # not a comment"',
      "PJ3_API_KEY='sk-three'",
      'PLAIN=value # trailing comment',
      'ESCAPED="a \\"quoted\\" word\\nnext"',
      'EMPTY=',
      '',
      '   ',
    ].join('\r\n');
    expect(parseDotenv(text)).toEqual({
      values: {
        PJ1_KEY: 'sk-one',
        PJ2_KEY: 'sk-two # not a comment',
        PJ3_API_KEY: 'sk-three',
        PLAIN: 'value',
        ESCAPED: 'a "quoted" word\nnext',
        EMPTY: '',
      },
      invalid: [],
    });
  });

  it('answers the line numbers it cannot read, never their text', () => {
    expect(parseDotenv('A=1\nsk-pasted-alone\n1BAD=x\nB=2')).toEqual({
      values: { A: '1', B: '2' },
      invalid: [2, 3],
    });
  });
});
