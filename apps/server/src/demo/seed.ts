import type { TenantEngine } from '@tangram/engine';

const companies = [
  ['杭州云栖智能科技有限公司', 'A', 'it', '0571-88886666'],
  ['苏州精工机械制造股份有限公司', 'A', 'manufacturing', '0512-66881234'],
  ['成都锦城百货有限公司', 'B', 'retail', '028-85551234'],
  ['深圳前海融信金融服务有限公司', 'B', 'finance', '0755-26661234'],
  ['青岛海岸线电子有限公司', 'C', 'manufacturing', '0532-80801234'],
  ['北京中关村数据服务有限公司', 'A', 'it', '010-62621234'],
] as const;
const people = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨磊', '赵敏', '黄强'];
const stages = [
  ['qualify', 10],
  ['needs', 20],
  ['proposal', 40],
  ['quote', 60],
  ['negotiation', 80],
  ['won', 100],
  ['lost', 0],
] as const;

/** Sample records for the demo app: accounts, contacts and opportunities across every stage. */
export async function seedDemo(tenant: TenantEngine, actor: string | null = null): Promise<number> {
  let n = 0;
  for (const [i, [name, level, industry, phone]] of companies.entries()) {
    const account = await tenant.records.create('account', { name, level, industry, phone }, { actor });
    n++;
    for (let j = 0; j < 2; j++) {
      const person = people[(i * 2 + j) % people.length] as string;
      await tenant.records.create(
        'contact',
        { name: person, account: account.id, mobile: `1380013${String(i * 2 + j).padStart(4, '0')}`, title: j ? '采购经理' : '总经理' },
        { actor },
      );
      n++;
    }
    for (let k = 0; k < 3; k++) {
      const [stage, probability] = stages[(i + k) % stages.length] as (typeof stages)[number];
      await tenant.records.create(
        'opportunity',
        {
          name: `${name.slice(0, 4)}项目${k + 1}期`,
          account: account.id,
          stage,
          probability,
          amount: 50000 * (i + 1) + 12000 * k,
          close_date: `2026-${String(((i + k) % 12) + 1).padStart(2, '0')}-15`,
        },
        { actor },
      );
      n++;
    }
  }
  return n;
}
