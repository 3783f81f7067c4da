import { canonicalPhone, maskPhone } from '../../lib/phone';

describe('phone numbers (docs/API.md §0)', () => {
  it.each(['+27188460901', '0027188460901', '00 27 188-460-901', '+27 (188) 460 901'])('%s is 0027188460901', (input) => {
    expect(canonicalPhone(input)).toBe('0027188460901');
  });

  it.each([
    ['no prefix', '27188460901'],
    ['7 digits', '+2718846'],
    ['16 digits', '+2718846090112345'],
    ['letters', '+27188460abc'],
    ['single 0 prefix', '027188460901'],
    ['empty', ''],
    ['full-width digits', '+２７１８８４６０９０１'],
    ['country code starting with 0 after +', '+027188460901'],
    ['country code starting with 0 after 00', '00027188460901'],
    ['all zeros', '+00000000'],
  ])('refuses %s', (_why, input) => {
    expect(canonicalPhone(input)).toBeUndefined();
  });

  it('masks all but the prefix and the last two digits', () => {
    expect(maskPhone('0027188460901')).toBe('0027*******01');
    expect(maskPhone('0027188460901')).not.toContain('188460');
  });
});
