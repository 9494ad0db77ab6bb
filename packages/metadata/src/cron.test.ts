import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { cronProblem, isTimeZone } from './cron';

describe('cron expressions', () => {
  it('accepts lists, ranges, steps and month or weekday names', () => {
    for (const ok of ['* * * * *', '0 9 * * mon-fri', '*/15 8-18 * * 1-5', '0 0 1,15 jan,jul *', '30 2 * * 0', '0 0 * * 7', '5-55/10 * * * SUN'])
      expect(cronProblem(ok), ok).toBeUndefined();
  });

  it('says what is wrong with one that does not parse', () => {
    expect(cronProblem('0 9 * *')).toBe('a cron expression has five fields (minute hour day month weekday), not 4');
    expect(cronProblem('0 25 * * *')).toBe('hour: "25" is not in 0-23');
    expect(cronProblem('60 * * * *')).toBe('minute: "60" is not in 0-59');
    expect(cronProblem('0 0 0 * *')).toBe('day of month: "0" is not in 1-31');
    expect(cronProblem('0 0 * 13 *')).toBe('month: "13" is not in 1-12');
    expect(cronProblem('*/0 * * * *')).toBe('minute: "0" is not a step (1 or more)');
    expect(cronProblem('0 18-8 * * *')).toBe('hour: "18-8" runs backwards');
    expect(cronProblem('0 9 * * funday')).toBe('day of week: "funday" is not in 0-7');
    expect(cronProblem('0 9 1//2 * *')).toBe('day of month: "1//2" is not a value, range or step');
    expect(cronProblem('0 9 * * 1/2')).toBe('day of week: "1/2": a step needs a range or *');
  });

  it('knows IANA time zones', () => {
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });

  // Publishing and the scheduler must agree: whatever a rule may be published with, the job
  // scheduler (cron-parser) reads, and whatever is refused here it would refuse or misread.
  it('agrees with the scheduler over generated expressions', () => {
    const atoms = ['*', '0', '5', '59', '60', '1-5', '5-1', '*/15', '*/0', '1-30/7', 'mon', 'mon-fri', 'jan', '7', '0,30', '13', '24', '31', '32', 'x', '1/2'];
    let seed = 7;
    const pick = () => atoms[(seed = (seed * 48271) % 2147483647) % atoms.length] as string;
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const expr = [pick(), pick(), pick(), pick(), pick()].join(' ');
      if (cronProblem(expr) !== undefined) continue;
      accepted++;
      expect(() => CronExpressionParser.parse(expr, { strict: false }).next(), expr).not.toThrow();
    }
    expect(accepted).toBeGreaterThan(20);
  });
});
