#!/usr/bin/env node
// Writes the sample data of templates/core and templates/crm (data/<object>.json), deterministically:
// a seeded PRNG and a fixed reference date, so running it again gives the same files.
//   node templates/tools/generate-sample-data.mjs
// Records refer to each other with "$key" / { "$ref": key }; keys are global across packages, so crm's
// records refer to core's accounts, contacts and products. "$owner" names a demo member (quick start),
// or is null for a record in the public pool (公海).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const REF = Date.UTC(2026, 10, 20); // 2026-11-20: "today" in the sample data
const DAY = 86400000;

// ---- deterministic randomness (mulberry32)
let seed = 20261120;
function rand() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (a, b) => a + Math.floor(rand() * (b - a + 1));
const pick = (list) => list[Math.floor(rand() * list.length)];
const chance = (p) => rand() < p;
const weighted = (pairs) => {
  const total = pairs.reduce((s, [, w]) => s + w, 0);
  let r = rand() * total;
  for (const [v, w] of pairs) if ((r -= w) < 0) return v;
  return pairs[pairs.length - 1][0];
};
const sample = (list, n) => {
  const copy = [...list];
  const out = [];
  while (out.length < n && copy.length) out.push(copy.splice(Math.floor(rand() * copy.length), 1)[0]);
  return out;
};
const round2 = (x) => Math.round(x * 100) / 100;
const pad = (n, w = 2) => String(n).padStart(w, '0');
const date = (offsetDays) => new Date(REF + offsetDays * DAY).toISOString().slice(0, 10);
const datetime = (offsetDays, hour = int(9, 17), minute = pick([0, 10, 15, 20, 30, 40, 45, 50])) => `${date(offsetDays)}T${pad(hour)}:${pad(minute)}:00+08:00`;
const ref = (key) => ({ $ref: key });
const reps = ['wang@demo.tangram.local', 'li@demo.tangram.local'];
const manager = 'zhou@demo.tangram.local';

// ---- reference lists
const cities = [
  ['杭州', 'zhejiang', 'east', '330100', '0571', ['西湖区', '滨江区', '余杭区', '萧山区']],
  ['宁波', 'zhejiang', 'east', '330200', '0574', ['鄞州区', '北仑区', '江北区']],
  ['温州', 'zhejiang', 'east', '330300', '0577', ['鹿城区', '瓯海区']],
  ['上海', 'shanghai', 'east', '310100', '021', ['浦东新区', '闵行区', '徐汇区', '嘉定区', '松江区']],
  ['南京', 'jiangsu', 'east', '320100', '025', ['江宁区', '鼓楼区', '建邺区']],
  ['苏州', 'jiangsu', 'east', '320500', '0512', ['工业园区', '吴中区', '昆山市', '相城区']],
  ['无锡', 'jiangsu', 'east', '320200', '0510', ['新吴区', '滨湖区', '江阴市']],
  ['常州', 'jiangsu', 'east', '320400', '0519', ['武进区', '新北区']],
  ['合肥', 'anhui', 'east', '340100', '0551', ['蜀山区', '包河区', '高新区']],
  ['济南', 'shandong', 'east', '370100', '0531', ['历下区', '槐荫区']],
  ['青岛', 'shandong', 'east', '370200', '0532', ['黄岛区', '崂山区', '城阳区']],
  ['福州', 'fujian', 'east', '350100', '0591', ['鼓楼区', '仓山区']],
  ['厦门', 'fujian', 'east', '350200', '0592', ['思明区', '湖里区', '集美区']],
  ['广州', 'guangdong', 'south', '440100', '020', ['天河区', '黄埔区', '番禺区', '白云区']],
  ['深圳', 'guangdong', 'south', '440300', '0755', ['南山区', '福田区', '宝安区', '龙岗区']],
  ['东莞', 'guangdong', 'south', '441900', '0769', ['松山湖', '长安镇', '虎门镇']],
  ['佛山', 'guangdong', 'south', '440600', '0757', ['顺德区', '南海区', '禅城区']],
  ['南宁', 'guangxi', 'south', '450100', '0771', ['青秀区', '西乡塘区']],
  ['海口', 'hainan', 'south', '460100', '0898', ['龙华区', '美兰区']],
  ['北京', 'beijing', 'north', '110100', '010', ['海淀区', '朝阳区', '丰台区', '大兴区']],
  ['天津', 'tianjin', 'north', '120100', '022', ['滨海新区', '西青区']],
  ['石家庄', 'hebei', 'north', '130100', '0311', ['长安区', '裕华区']],
  ['太原', 'shanxi', 'north', '140100', '0351', ['小店区', '万柏林区']],
  ['武汉', 'hubei', 'central', '420100', '027', ['洪山区', '江汉区', '东西湖区', '东湖高新区']],
  ['长沙', 'hunan', 'central', '430100', '0731', ['岳麓区', '雨花区', '长沙县']],
  ['郑州', 'henan', 'central', '410100', '0371', ['金水区', '郑东新区', '中原区']],
  ['南昌', 'jiangxi', 'central', '360100', '0791', ['红谷滩区', '青山湖区']],
  ['成都', 'sichuan', 'southwest', '510100', '028', ['高新区', '武侯区', '双流区', '龙泉驿区']],
  ['重庆', 'chongqing', 'southwest', '500100', '023', ['渝北区', '九龙坡区', '江北区']],
  ['昆明', 'yunnan', 'southwest', '530100', '0871', ['五华区', '官渡区']],
  ['贵阳', 'guizhou', 'southwest', '520100', '0851', ['观山湖区', '南明区']],
  ['西安', 'shaanxi', 'northwest', '610100', '029', ['雁塔区', '未央区', '高新区']],
  ['兰州', 'gansu', 'northwest', '620100', '0931', ['城关区', '七里河区']],
  ['乌鲁木齐', 'xinjiang', 'northwest', '650100', '0991', ['天山区', '新市区']],
  ['沈阳', 'liaoning', 'northeast', '210100', '024', ['浑南区', '和平区', '铁西区']],
  ['大连', 'liaoning', 'northeast', '210200', '0411', ['甘井子区', '中山区']],
  ['长春', 'jilin', 'northeast', '220100', '0431', ['朝阳区', '南关区']],
  ['哈尔滨', 'heilongjiang', 'northeast', '230100', '0451', ['南岗区', '松北区']],
  ['香港', 'hongkong', 'overseas', '810000', '00852', ['九龙', '湾仔']],
];
const cityWeights = cities.map((c) => [c, ['east', 'south'].includes(c[2]) ? 3 : c[2] === 'overseas' ? 0.3 : 1]);
const brands = [
  ['云栖', 'yunqi'],
  ['华辰', 'huachen'],
  ['恒通', 'hengtong'],
  ['嘉禾', 'jiahe'],
  ['瑞丰', 'ruifeng'],
  ['鼎盛', 'dingsheng'],
  ['博远', 'boyuan'],
  ['天成', 'tiancheng'],
  ['宏达', 'hongda'],
  ['中科', 'zhongke'],
  ['新锐', 'xinrui'],
  ['金石', 'jinshi'],
  ['凯盛', 'kaisheng'],
  ['永信', 'yongxin'],
  ['海纳', 'haina'],
  ['星河', 'xinghe'],
  ['长青', 'changqing'],
  ['德润', 'derun'],
  ['明德', 'mingde'],
  ['合力', 'heli'],
  ['远景', 'yuanjing'],
  ['精诚', 'jingcheng'],
  ['卓越', 'zhuoyue'],
  ['汇通', 'huitong'],
  ['安泰', 'antai'],
  ['兴业', 'xingye'],
  ['华信', 'huaxin'],
  ['盛世', 'shengshi'],
  ['宇航', 'yuhang'],
  ['东方', 'dongfang'],
  ['蓝海', 'lanhai'],
  ['正泰', 'zhengtai'],
  ['联创', 'lianchuang'],
  ['聚能', 'juneng'],
  ['和信', 'hexin'],
  ['同创', 'tongchuang'],
  ['中联', 'zhonglian'],
  ['立讯', 'lixun'],
  ['伟业', 'weiye'],
  ['万达', 'wanda'],
  ['启航', 'qihang'],
  ['锦程', 'jincheng'],
  ['华拓', 'huatuo'],
  ['智远', 'zhiyuan'],
  ['晨光', 'chenguang'],
  ['百川', 'baichuan'],
  ['优品', 'youpin'],
  ['鑫源', 'xinyuan'],
  ['润泽', 'runze'],
  ['泰和', 'taihe'],
  ['昊天', 'haotian'],
  ['银河', 'yinhe'],
  ['景程', 'jingcheng2'],
  ['众诚', 'zhongcheng'],
  ['飞扬', 'feiyang'],
  ['恒信', 'hengxin'],
  ['金桥', 'jinqiao'],
  ['华美', 'huamei'],
  ['致远', 'zhiyuan2'],
  ['天工', 'tiangong'],
  ['巨力', 'juli'],
  ['雅信', 'yaxin'],
  ['博达', 'boda'],
  ['信诺', 'xinnuo'],
];
const industryTails = {
  manufacturing: ['精密机械', '智能装备', '模具', '汽车零部件', '电机', '五金制品', '包装材料', '塑胶制品'],
  it: ['信息技术', '软件', '网络科技', '数据科技', '智能科技'],
  retail: ['商贸', '供应链管理', '连锁超市', '电子商务'],
  finance: ['融资租赁', '投资管理', '保险代理'],
  education: ['教育科技', '职业培训学校', '文化教育'],
  healthcare: ['医疗器械', '生物医药', '健康管理', '药业'],
  construction: ['建设工程', '建筑设计', '装饰工程', '置业'],
  logistics: ['物流', '供应链', '国际货运代理', '冷链物流'],
  energy: ['新能源', '化工', '光伏科技', '电力工程'],
  government: ['城市建设投资', '公用事业', '水务'],
  services: ['企业管理咨询', '人力资源服务', '会计师事务所', '律师事务所'],
  agriculture: ['农业科技', '生态农业', '食品'],
  media: ['文化传媒', '广告', '影视'],
  hospitality: ['餐饮管理', '酒店管理'],
  other: ['实业', '贸易'],
};
const industryWeights = [
  ['manufacturing', 30],
  ['it', 14],
  ['retail', 10],
  ['finance', 3],
  ['education', 4],
  ['healthcare', 6],
  ['construction', 6],
  ['logistics', 7],
  ['energy', 5],
  ['government', 2],
  ['services', 5],
  ['agriculture', 3],
  ['media', 2],
  ['hospitality', 2],
  ['other', 1],
];
const surnames = [
  ['王', 'wang'],
  ['李', 'li'],
  ['张', 'zhang'],
  ['刘', 'liu'],
  ['陈', 'chen'],
  ['杨', 'yang'],
  ['黄', 'huang'],
  ['赵', 'zhao'],
  ['吴', 'wu'],
  ['周', 'zhou'],
  ['徐', 'xu'],
  ['孙', 'sun'],
  ['马', 'ma'],
  ['朱', 'zhu'],
  ['胡', 'hu'],
  ['郭', 'guo'],
  ['何', 'he'],
  ['林', 'lin'],
  ['罗', 'luo'],
  ['高', 'gao'],
  ['郑', 'zheng'],
  ['梁', 'liang'],
  ['谢', 'xie'],
  ['宋', 'song'],
  ['唐', 'tang'],
  ['许', 'xu'],
  ['韩', 'han'],
  ['冯', 'feng'],
  ['邓', 'deng'],
  ['曹', 'cao'],
  ['彭', 'peng'],
  ['曾', 'zeng'],
  ['肖', 'xiao'],
  ['田', 'tian'],
  ['董', 'dong'],
  ['潘', 'pan'],
  ['袁', 'yuan'],
  ['蒋', 'jiang'],
  ['蔡', 'cai'],
  ['沈', 'shen'],
];
const givenMale = [
  '伟',
  '强',
  '磊',
  '军',
  '勇',
  '杰',
  '涛',
  '斌',
  '超',
  '明',
  '刚',
  '平',
  '辉',
  '鹏',
  '浩',
  '建国',
  '志强',
  '建华',
  '海峰',
  '国庆',
  '文博',
  '子轩',
  '宇航',
  '振华',
  '俊杰',
];
const givenFemale = ['芳', '娜', '敏', '静', '丽', '艳', '娟', '霞', '婷', '雪', '琳', '颖', '慧', '秀英', '晓燕', '雅琴', '梦瑶', '欣怡', '佳怡', '思琪'];
const titles = [
  ['总经理', 'decision_maker', '总经办'],
  ['董事长', 'decision_maker', '董事会'],
  ['副总经理', 'decision_maker', '总经办'],
  ['CIO', 'decision_maker', '信息中心'],
  ['IT 经理', 'tech_evaluator', '信息中心'],
  ['技术总监', 'tech_evaluator', '技术部'],
  ['系统工程师', 'tech_evaluator', '信息中心'],
  ['生产经理', 'end_user', '生产部'],
  ['销售总监', 'end_user', '销售部'],
  ['运营主管', 'end_user', '运营部'],
  ['采购经理', 'purchaser', '采购部'],
  ['采购专员', 'purchaser', '采购部'],
  ['财务经理', 'finance', '财务部'],
  ['会计', 'finance', '财务部'],
  ['行政经理', 'influencer', '行政部'],
  ['总监助理', 'influencer', '总经办'],
  ['项目经理', 'normal', '项目部'],
];
const mobilePrefixes = [
  '138',
  '139',
  '137',
  '136',
  '135',
  '158',
  '159',
  '150',
  '151',
  '152',
  '186',
  '187',
  '188',
  '189',
  '133',
  '177',
  '180',
  '181',
  '199',
  '176',
];
const usedMobiles = new Set();
function mobile() {
  for (;;) {
    const m = pick(mobilePrefixes) + pad(int(0, 99999999), 8);
    if (!usedMobiles.has(m)) {
      usedMobiles.add(m);
      return m;
    }
  }
}
function person() {
  const [s, sp] = pick(surnames);
  const female = chance(0.38);
  return { name: s + pick(female ? givenFemale : givenMale), pinyin: sp, gender: female ? 'female' : 'male' };
}
const creditChars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const usedCredit = new Set();
function creditCode(area) {
  for (;;) {
    let code = `91${area}`;
    while (code.length < 18) code += creditChars[int(0, creditChars.length - 1)];
    if (!usedCredit.has(code)) {
      usedCredit.add(code);
      return code;
    }
  }
}
const banks = [
  '中国工商银行',
  '中国建设银行',
  '中国农业银行',
  '中国银行',
  '招商银行',
  '交通银行',
  '浦发银行',
  '兴业银行',
  '中信银行',
  '杭州银行',
  '宁波银行',
  '江苏银行',
];

// ---- core: product categories and products
const categories = [
  ['cat-hw', 'HW', '硬件设备', null, 1],
  ['cat-hw-srv', 'HW-SRV', '服务器与存储', 'cat-hw', 1],
  ['cat-hw-net', 'HW-NET', '网络与安全设备', 'cat-hw', 2],
  ['cat-hw-iot', 'HW-IOT', '工业物联网终端', 'cat-hw', 3],
  ['cat-hw-term', 'HW-TERM', '办公与采集终端', 'cat-hw', 4],
  ['cat-sw', 'SW', '软件产品', null, 2],
  ['cat-sw-erp', 'SW-ERP', '企业管理软件', 'cat-sw', 1],
  ['cat-sw-mes', 'SW-MES', '生产制造软件', 'cat-sw', 2],
  ['cat-sw-cloud', 'SW-CLOUD', '云服务订阅', 'cat-sw', 3],
  ['cat-svc', 'SVC', '技术服务', null, 3],
  ['cat-svc-impl', 'SVC-IMPL', '实施与开发', 'cat-svc', 1],
  ['cat-svc-om', 'SVC-OM', '运维与驻场', 'cat-svc', 2],
  ['cat-svc-train', 'SVC-TRAIN', '培训与咨询', 'cat-svc', 3],
  ['cat-acc', 'ACC', '配件与耗材', null, 4],
];
const productCategory = categories.map(([key, code, name, parent, sort]) => ({
  $key: key,
  name,
  code,
  ...(parent ? { parent: ref(parent) } : {}),
  sort,
  active: true,
}));
// code, name, spec, category, unit, price, cost, tax, stock, brand, warranty
const productRows = [
  ['SRV-2U-G5', '2U 机架式服务器', '2×银牌 4314 / 128G / 4×1.92T SSD', 'cat-hw-srv', 'unit', 48000, 36500, '13', true, '天穹', 36],
  ['SRV-1U-G5', '1U 机架式服务器', '1×银牌 4310 / 64G / 2×960G SSD', 'cat-hw-srv', 'unit', 26800, 19800, '13', true, '天穹', 36],
  ['STO-NAS-8', '企业级 NAS 存储', '8 盘位 / 96TB 裸容量', 'cat-hw-srv', 'unit', 35600, 26000, '13', true, '天穹', 36],
  ['STO-AFA-24', '全闪存储阵列', '24×3.84T NVMe / 双控', 'cat-hw-srv', 'set', 268000, 205000, '13', true, '天穹', 36],
  ['NET-SW-48', '三层千兆交换机', '48 口千兆电 + 4 口万兆光', 'cat-hw-net', 'unit', 8600, 5900, '13', true, '联讯', 24],
  ['NET-SW-24P', 'PoE 接入交换机', '24 口千兆 PoE+ / 370W', 'cat-hw-net', 'unit', 4200, 2900, '13', true, '联讯', 24],
  ['NET-FW-500', '下一代防火墙', '吞吐 5Gbps / 含 1 年特征库', 'cat-hw-net', 'unit', 32000, 22500, '13', true, '联讯', 12],
  ['NET-AP-6', '企业级无线 AP', 'Wi-Fi 6 / 双频 / 吸顶', 'cat-hw-net', 'pcs', 1280, 820, '13', true, '联讯', 24],
  ['IOT-GW-4G', '工业物联网网关', '4G 全网通 / Modbus / OPC UA', 'cat-hw-iot', 'pcs', 3600, 2150, '13', true, '智工', 24],
  ['IOT-PLC-DC', '数据采集盒', '16 路 DI / 8 路 AI / 以太网', 'cat-hw-iot', 'pcs', 2450, 1500, '13', true, '智工', 24],
  ['IOT-SEN-TH', '温湿度传感器', 'RS485 / 防护等级 IP65', 'cat-hw-iot', 'pcs', 380, 190, '13', true, '智工', 12],
  ['IOT-HMI-15', '工业触控一体机', '15.6 寸 / 防尘防水 / 8G+128G', 'cat-hw-iot', 'unit', 6800, 4600, '13', true, '智工', 24],
  ['TERM-PDA-5', '手持数据终端 PDA', '5.5 寸 / 二维扫描 / 安卓 12', 'cat-hw-term', 'unit', 2980, 1950, '13', true, '迅码', 12],
  ['TERM-PRN-L', '工业标签打印机', '300dpi / 热转印 / 104mm', 'cat-hw-term', 'unit', 5600, 3800, '13', true, '迅码', 12],
  ['TERM-SCN-2D', '二维码扫描枪', '有线 / 工业级', 'cat-hw-term', 'pcs', 560, 320, '13', true, '迅码', 12],
  ['SW-ERP-STD', '进销存管理软件 标准版', '10 用户 / 永久授权', 'cat-sw-erp', 'license', 19800, 2000, '13', false, '经纬', 12],
  ['SW-ERP-ENT', '企业资源计划 ERP 企业版', '50 用户 / 永久授权 / 含财务', 'cat-sw-erp', 'license', 168000, 15000, '13', false, '经纬', 12],
  ['SW-CRM-PRO', '客户关系管理 CRM 专业版', '按用户 / 年', 'cat-sw-erp', 'user_year', 1200, 150, '6', false, '经纬', 0],
  ['SW-OA-STD', '协同办公 OA 标准版', '100 用户 / 永久授权', 'cat-sw-erp', 'license', 36000, 3000, '13', false, '经纬', 12],
  ['SW-MES-BASE', 'MES 制造执行系统 基础版', '单工厂 / 永久授权', 'cat-sw-mes', 'license', 220000, 22000, '13', false, '经纬', 12],
  ['SW-WMS-STD', 'WMS 仓储管理系统', '单仓 / 永久授权', 'cat-sw-mes', 'license', 88000, 8000, '13', false, '经纬', 12],
  ['SW-QMS-STD', 'QMS 质量管理系统', '永久授权', 'cat-sw-mes', 'license', 76000, 7000, '13', false, '经纬', 12],
  ['SW-EMS-IOT', '设备物联与能耗管理平台', '200 点位 / 永久授权', 'cat-sw-mes', 'license', 98000, 9000, '13', false, '经纬', 12],
  ['CLD-ECS-4C', '云主机 4 核 16G', '按年订阅 / 含 100G 云盘', 'cat-sw-cloud', 'year', 6800, 4200, '6', false, '天穹云', 0],
  ['CLD-BAK-1T', '云备份服务', '1TB / 年', 'cat-sw-cloud', 'year', 3600, 1800, '6', false, '天穹云', 0],
  ['CLD-SAAS-ERP', '云 ERP 订阅', '按用户 / 年', 'cat-sw-cloud', 'user_year', 2400, 600, '6', false, '经纬云', 0],
  ['SVC-IMPL-DAY', '实施顾问服务', '标准人天', 'cat-svc-impl', 'man_day', 2800, 1300, '6', false, '', 0],
  ['SVC-DEV-DAY', '二次开发服务', '标准人天', 'cat-svc-impl', 'man_day', 3200, 1600, '6', false, '', 0],
  ['SVC-DATA-MIG', '数据迁移服务', '按项目 / 次', 'cat-svc-impl', 'times', 15000, 7000, '6', false, '', 0],
  ['SVC-OM-YEAR', '年度运维服务', '5×8 远程 + 季度巡检', 'cat-svc-om', 'year', 36000, 18000, '6', false, '', 0],
  ['SVC-OM-VIP', 'VIP 驻场运维服务', '7×24 / 1 人驻场 / 年', 'cat-svc-om', 'year', 180000, 120000, '6', false, '', 0],
  ['SVC-TRN-DAY', '现场培训', '每天 / 不超过 20 人', 'cat-svc-train', 'man_day', 4000, 1500, '6', false, '', 0],
  ['SVC-CONS-DX', '数字化转型咨询', '按项目', 'cat-svc-train', 'times', 120000, 60000, '6', false, '', 0],
  ['ACC-UPS-3K', '在线式 UPS 电源', '3KVA / 30 分钟', 'cat-acc', 'unit', 4800, 3300, '13', true, '稳达', 24],
  ['ACC-RACK-42', '标准网络机柜', '42U / 600×1000', 'cat-acc', 'unit', 2600, 1700, '13', true, '稳达', 12],
  ['ACC-LBL-100', '标签耗材', '100×50mm / 箱(20 卷)', 'cat-acc', 'box', 680, 420, '13', true, '迅码', 0],
];
const product = productRows.map(([code, name, spec, cat, unit, price, cost, tax, stock, brand, warranty], i) => ({
  $key: `prd-${code.toLowerCase()}`,
  code,
  name,
  spec,
  category: ref(cat),
  ...(brand ? { brand } : {}),
  unit,
  sale_price: price,
  cost_price: cost,
  tax_rate: tax,
  is_stock: stock,
  active: i !== 14,
  ...(stock ? { barcode: `69${pad(20261100 + i * 37, 11)}` } : {}),
  ...(warranty ? { warranty_months: warranty } : {}),
}));
const products = product.map((p, i) => ({ key: p.$key, name: p.name, spec: p.spec, price: p.sale_price, tax: Number(p.tax_rate), row: productRows[i] }));

const priceBook = [
  {
    $key: 'pb-standard',
    name: '2026 年标准价格表',
    code: 'PB-2026-STD',
    valid_from: '2026-01-01',
    valid_to: '2026-12-31',
    is_default: true,
    active: true,
    description: '面向最终用户的标准报价；销售可在最大优惠比例内让利，超过需审批。',
    entries: products.map((p) => ({ product: ref(p.key), price: p.price, min_qty: 1, max_discount: p.tax === 6 ? 10 : 15 })),
  },
  {
    $key: 'pb-channel',
    name: '2026 年渠道价格表',
    code: 'PB-2026-CH',
    valid_from: '2026-01-01',
    valid_to: '2026-12-31',
    is_default: false,
    active: true,
    description: '签约渠道伙伴适用，按起订量阶梯定价。',
    entries: products
      .filter((p) => !p.key.includes('svc'))
      .flatMap((p) => [
        { product: ref(p.key), price: round2(p.price * 0.85), min_qty: 1, max_discount: 5 },
        { product: ref(p.key), price: round2(p.price * 0.8), min_qty: 10, max_discount: 5, remark: '10 件起' },
      ]),
  },
];

// ---- core: accounts and contacts
const usedNames = new Set();
const accounts = [];
const account = [];
const contact = [];
const contactsOf = new Map();
const groups = [
  ['嘉禾控股集团有限公司', 'jiahe', '杭州'],
  ['华辰实业集团股份有限公司', 'huachen', '深圳'],
  ['中联重工集团有限公司', 'zhonglian', '长沙'],
];
const orgForms = [
  ['有限公司', 8],
  ['股份有限公司', 2],
  ['集团有限公司', 0.5],
];
function accountRecord(i, name, domain, city, industry, extra = {}) {
  const [cityName, province, region, area, tel, districts] = city;
  const lifecycle =
    extra.lifecycle ??
    weighted([
      ['prospect', 20],
      ['interested', 25],
      ['customer', 35],
      ['repeat', 12],
      ['churned', 8],
    ]);
  const level =
    extra.level ??
    weighted([
      ['A', 15],
      ['B', 55],
      ['C', 30],
    ]);
  const inPool = extra.inPool ?? (lifecycle === 'prospect' && chance(0.35));
  const key = `acc-${pad(i + 1, 3)}`;
  const owner = level === 'A' && chance(0.3) ? manager : reps[i % 2];
  const credit = creditCode(area);
  const lastOffset = inPool ? -int(45, 200) : -int(1, 60);
  const district = pick(districts);
  const rec = {
    $key: key,
    // In the public pool (公海): no owner.
    $owner: inPool ? null : owner,
    name,
    ...(extra.short ? { short_name: extra.short } : {}),
    type: 'enterprise',
    level,
    industry,
    source:
      extra.source ??
      weighted([
        ['website', 12],
        ['search_ads', 10],
        ['social_media', 5],
        ['wechat', 6],
        ['exhibition', 12],
        ['referral', 14],
        ['existing_customer', 6],
        ['telemarketing', 8],
        ['channel', 10],
        ['campaign', 8],
        ['other', 3],
      ]),
    lifecycle,
    scale: weighted([
      ['s1', 20],
      ['s50', 35],
      ['s200', 25],
      ['s500', 10],
      ['s1000', 10],
    ]),
    region,
    province,
    city: cityName,
    district,
    address: `${cityName}市${district}${pick(['科技', '创业', '学院', '人民', '建设', '新华', '迎宾', '文二', '长江', '中山'])}${pick(['路', '大道', '街'])}${int(1, 999)}号${chance(0.5) ? `${int(1, 30)}楼` : ''}`,
    phone: `${tel}-${int(2, 8)}${pad(int(0, 9999999), 7)}`,
    email: `info@${domain}.com`,
    website: `https://www.${domain}.com`,
    credit_code: credit,
    legal_person: person().name,
    registered_capital: pick([100, 200, 500, 1000, 2000, 3000, 5000, 10000]),
    annual_revenue: int(5, 800) * 100000,
    ...(extra.parent ? { parent: ref(extra.parent) } : {}),
    last_follow_up_at: datetime(lastOffset),
    ...(!inPool && !['churned'].includes(lifecycle) ? { next_follow_up_at: datetime(int(1, 30)) } : {}),
  };
  // Earlier versions stored when a record entered the pool; drawing that date still keeps the
  // random sequence, so every other sample record stays as it was.
  if (inPool) datetime(lastOffset + 30);
  if (['customer', 'repeat'].includes(lifecycle) || chance(0.2)) {
    Object.assign(rec, {
      invoice_title: name,
      tax_no: credit,
      invoice_address: rec.address,
      invoice_phone: rec.phone,
      bank_name: `${pick(banks)}${cityName}${district.replace(/[区市县镇]$/, '')}支行`,
      bank_account: `${int(1, 9)}${pad(int(0, 999999999), 9)}${pad(int(0, 999999999), 9)}`,
    });
  }
  const tags = [];
  if (level === 'A') tags.push('key_account');
  if (chance(0.08)) tags.push('listed');
  if (chance(0.1)) tags.push('high_potential');
  if (chance(0.08)) tags.push('price_sensitive');
  if (industry === 'government') tags.push('soe');
  if (lifecycle === 'churned' || (lifecycle === 'repeat' && chance(0.15))) tags.push('renewal_risk');
  if (rec.source === 'channel' && chance(0.3)) tags.push('channel_partner');
  if (tags.length) rec.tags = tags;
  if (chance(0.15))
    rec.description = pick([
      '老板重视数字化，年内有预算。',
      '决策链较长，需要总部审批。',
      '对价格敏感，关注实施周期。',
      '与竞争对手有合作历史。',
      '计划明年新建工厂，可提前布局。',
    ]);
  account.push(rec);
  const meta = { key, name, domain, level, lifecycle, industry, owner: rec.$owner, inPool, city: cityName, region, lastOffset, credit, rec };
  accounts.push(meta);
  return meta;
}

// Three groups with subsidiaries, then independent companies, then a few individual customers.
let n = 0;
for (const [gname, gdomain, gcity] of groups) {
  usedNames.add(gname);
  const city = cities.find((c) => c[0] === gcity);
  const parent = accountRecord(n++, gname, gdomain, city, 'manufacturing', { level: 'A', lifecycle: 'repeat', inPool: false, short: gname.slice(0, 2) });
  for (const sub of sample(cities.slice(0, 20), 3)) {
    const name = `${gname.replace(/(集团)?(股份)?有限公司$/, '')}（${sub[0]}）有限公司`;
    usedNames.add(name);
    accountRecord(n++, name, `${gdomain}-${sub[0] === '上海' ? 'sh' : sub[3]}`, sub, 'manufacturing', {
      parent: parent.key,
      level: 'B',
      lifecycle: 'customer',
      inPool: false,
    });
  }
}
while (n < 222) {
  const industry = weighted(industryWeights);
  const [brand, py] = pick(brands);
  const city = weighted(cityWeights);
  const tail = pick(industryTails[industry]);
  const form = tail.endsWith('事务所') || tail.endsWith('学校') ? '' : weighted(orgForms);
  const name = `${city[0]}${brand}${tail}${form}`;
  if (usedNames.has(name)) continue;
  usedNames.add(name);
  accountRecord(n++, name, `${py}${city[3].slice(0, 4)}`, city, industry, { short: brand + tail.slice(0, 2) });
}
for (let k = 0; k < 8; k++) {
  const p = person();
  const city = weighted(cityWeights);
  const name = `${p.name}（${city[0]}个体经营）`;
  if (usedNames.has(name)) continue;
  usedNames.add(name);
  const meta = accountRecord(n++, name, `${p.pinyin}${k}`, city, pick(['retail', 'hospitality', 'agriculture']), { level: 'C' });
  Object.assign(meta.rec, { type: 'individual' });
  for (const x of [
    'credit_code',
    'legal_person',
    'registered_capital',
    'website',
    'scale',
    'invoice_title',
    'tax_no',
    'invoice_address',
    'invoice_phone',
    'bank_name',
    'bank_account',
  ])
    delete meta.rec[x];
  meta.individual = p;
}

for (const a of accounts) {
  const count = a.individual ? 1 : a.level === 'A' ? int(2, 4) : int(1, 3);
  const list = [];
  const roles = sample(titles, count);
  for (let k = 0; k < count; k++) {
    const p = k === 0 && a.individual ? a.individual : person();
    const [title, role, dept] = a.individual ? ['店主', 'decision_maker', ''] : roles[k];
    const key = `con-${a.key.slice(4)}-${k + 1}`;
    const rec = {
      $key: key,
      ...(a.owner ? { $owner: a.owner } : {}),
      name: p.name,
      account: ref(a.key),
      gender: p.gender,
      mobile: mobile(),
      ...(chance(0.5) ? { phone: `${a.rec.phone.split('-')[0]}-${int(2, 8)}${pad(int(0, 9999999), 7)}` } : {}),
      email: `${p.pinyin}${k ? k + 1 : ''}@${a.domain}.com`,
      ...(chance(0.6) ? { wechat: `${p.pinyin}_${int(100, 9999)}` } : {}),
      title,
      ...(dept ? { dept } : {}),
      decision_role: role,
      is_primary: k === 0,
      ...(chance(0.3) ? { birthday: `${int(1965, 1995)}-${pad(int(1, 12))}-${pad(int(1, 28))}` } : {}),
      ...(k === 0 ? { last_follow_up_at: a.rec.last_follow_up_at } : {}),
    };
    contact.push(rec);
    list.push({ key, name: p.name, role });
  }
  contactsOf.set(a.key, list);
}

const coreTask = [];
const taskTitles = [
  '电话回访，确认使用情况',
  '发送产品资料和案例',
  '准备季度业务回顾材料',
  '确认开票信息',
  '安排技术交流会',
  '节日问候与拜访',
  '更新客户组织架构',
  '收集续约意向',
];
for (let k = 0; k < 60; k++) {
  const a = pick(accounts.filter((x) => !x.inPool));
  const status = weighted([
    ['not_started', 4],
    ['in_progress', 3],
    ['completed', 5],
    ['deferred', 1],
    ['cancelled', 0.5],
  ]);
  const due = status === 'completed' ? -int(1, 60) : int(-5, 30);
  const c = contactsOf.get(a.key)[0];
  coreTask.push({
    $key: `task-core-${pad(k + 1, 3)}`,
    $owner: a.owner,
    title: `${pick(taskTitles)}（${a.name.replace(/有限公司|股份有限公司/, '')}）`,
    due_at: datetime(due, 18, 0),
    priority: weighted([
      ['high', 2],
      ['medium', 5],
      ['low', 3],
    ]),
    status,
    account: ref(a.key),
    ...(chance(0.5) ? { contact: ref(c.key) } : {}),
    ...(status === 'completed' ? { completed_at: datetime(due - int(0, 2)) } : {}),
    ...(status !== 'completed' && status !== 'cancelled' ? { reminder_at: datetime(due - 1, 9, 0) } : {}),
  });
}

// ---- crm
const competitor = [
  [
    'cmp-hengyuan',
    '恒远软件',
    'https://www.hengyuan-soft.example.com',
    '北京',
    'high',
    18,
    'ERP、财务云、HR',
    '低价抢单，大客户折扣可到 6 折',
    '品牌知名度高，渠道覆盖广',
    '实施质量参差，定制能力弱',
  ],
  [
    'cmp-boke',
    '博科信息',
    'https://www.boke-info.example.com',
    '上海',
    'medium',
    9,
    'MES、WMS、QMS',
    '按模块报价，实施费高',
    '制造业经验深',
    '产品老旧，云化慢',
  ],
  [
    'cmp-zhilian',
    '智联云',
    'https://www.zhilianyun.example.com',
    '杭州',
    'high',
    12,
    'SaaS CRM、OA、低代码',
    '订阅价低，首年优惠',
    '产品体验好，上线快',
    '私有化部署能力弱，数据安全顾虑',
  ],
  [
    'cmp-dingxin',
    '鼎新数科',
    'https://www.dingxin.example.com',
    '深圳',
    'medium',
    7,
    '工业物联网平台、能耗管理',
    '硬件捆绑销售',
    '硬件自研，成本低',
    '软件功能单薄',
  ],
  ['cmp-huatuo', '华拓系统', 'https://www.huatuo-sys.example.com', '成都', 'low', 4, '政企信息化集成', '项目制报价', '西南区域关系强', '跨区域服务能力弱'],
  ['cmp-youchuang', '优创网络', 'https://www.youchuang-net.example.com', '广州', 'medium', 6, '网络与安全设备', '渠道价格战', '交付快，备货足', '售后响应慢'],
  ['cmp-qiming', '启明数智', 'https://www.qiming-dt.example.com', '南京', 'low', 3, '数字化咨询', '按人天收费', '咨询团队背景好', '落地能力不足'],
  ['cmp-self', '客户自研', '', '', 'low', 0, '客户 IT 部门自行开发', '无直接费用', '贴合现有流程', '人员流动大，维护难'],
].map(([key, name, website, hq, threat, share, products_, price, strengths, weaknesses]) => ({
  $key: key,
  name,
  ...(website ? { website } : {}),
  ...(hq ? { headquarters: hq } : {}),
  threat_level: threat,
  market_share: share,
  main_products: products_,
  price_strategy: price,
  strengths,
  weaknesses,
}));

const slaPolicy = [
  {
    $key: 'sla-vip',
    name: 'VIP 客户 SLA',
    account_levels: ['A'],
    urgent_response_minutes: 15,
    urgent_resolve_hours: 4,
    high_response_minutes: 30,
    high_resolve_hours: 8,
    medium_response_minutes: 60,
    medium_resolve_hours: 24,
    low_response_minutes: 240,
    low_resolve_hours: 72,
    working_hours: '7x24',
    work_days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
    is_default: false,
    active: true,
    sort: 1,
    description: 'A 级客户：7×24 小时响应，紧急故障 4 小时内解决或提供替代方案。',
  },
  {
    $key: 'sla-standard',
    name: '标准 SLA',
    account_levels: ['B'],
    urgent_response_minutes: 30,
    urgent_resolve_hours: 8,
    high_response_minutes: 60,
    high_resolve_hours: 24,
    medium_response_minutes: 240,
    medium_resolve_hours: 48,
    low_response_minutes: 480,
    low_resolve_hours: 120,
    working_hours: '5x10',
    work_days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    work_start: '08:30',
    work_end: '18:30',
    is_default: true,
    active: true,
    sort: 2,
    description: '默认策略：工作日 8:30–18:30。',
  },
  {
    $key: 'sla-basic',
    name: '基础 SLA',
    account_levels: ['C'],
    ticket_types: ['consult', 'requirement'],
    condition: { in: [{ var: 'type' }, ['consult', 'requirement']] },
    urgent_response_minutes: 60,
    urgent_resolve_hours: 24,
    high_response_minutes: 120,
    high_resolve_hours: 48,
    medium_response_minutes: 480,
    medium_resolve_hours: 72,
    low_response_minutes: 960,
    low_resolve_hours: 168,
    working_hours: '5x8',
    work_days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    is_default: false,
    active: true,
    sort: 3,
    description: 'C 级客户的咨询与需求类工单。',
  },
];

const articles = [
  ['usage', 'PDA 首次开机与扫描配置', 'prd-term-pda-5', '介绍手持终端开机激活、连接 Wi-Fi、设置扫描后缀与条码类型。'],
  ['usage', '标签打印机碳带与标签纸安装', 'prd-term-prn-l', '图解碳带安装方向、标签纸校准和打印浓度调整。'],
  ['troubleshooting', '物联网网关离线排查步骤', 'prd-iot-gw-4g', '依次检查供电、SIM 卡、信号强度、APN 与平台地址。'],
  ['troubleshooting', '服务器 RAID 降级处理', 'prd-srv-2u-g5', '识别故障盘、在线更换与重建进度查看，重建期间的注意事项。'],
  ['troubleshooting', '防火墙策略导致业务无法访问', 'prd-net-fw-500', '通过会话表与策略命中计数定位被拦截的访问。'],
  ['faq', 'ERP 企业版如何增加用户数', 'prd-sw-erp-ent', '用户授权扩容流程、价格计算与授权文件导入。'],
  ['faq', '云主机续费与到期处理', 'prd-cld-ecs-4c', '到期前 15 天提醒，到期后 7 天保留数据，逾期释放。'],
  ['faq', '发票抬头或税号错误如何处理', null, '数电发票红冲与重开流程，所需资料与时效。'],
  ['policy', '硬件产品质保与返修政策', null, '质保期内免费维修，先行更换的条件，非质保情况收费标准。'],
  ['policy', '服务等级(SLA)说明', null, '各级客户的响应与解决时限，以及节假日安排。'],
  ['sales_script', '制造业客户首次拜访话术', null, '从排产、库存、质量三个痛点切入，引导客户说出现状与目标。'],
  ['sales_script', '应对“价格太高”的五种回答', null, '算总拥有成本、拆分交付价值、分期与订阅方案、案例背书、限时政策。'],
  ['solution', '中小制造企业数字化工厂方案', 'prd-sw-mes-base', 'MES + WMS + 设备物联一体化，三个月上线一条示范产线。'],
  ['solution', '连锁零售门店进销存方案', 'prd-sw-erp-std', '总部统一商品与价格，门店扫码收货、调拨与盘点。'],
  ['usage', 'MES 工单报工操作指南', 'prd-sw-mes-base', '扫码开工、报工、报废与返工的操作步骤。'],
  ['troubleshooting', 'WMS 库存与账面不一致的排查', 'prd-sw-wms-std', '检查未过账单据、负库存设置与盘点差异。'],
];
const knowledgeArticle = articles.map(([category, title, prd, summary], k) => {
  const status = k < 12 ? 'published' : k < 14 ? 'reviewing' : k < 15 ? 'draft' : 'archived';
  return {
    $key: `kb-${pad(k + 1, 2)}`,
    title,
    category,
    ...(prd ? { product: ref(prd) } : {}),
    keywords: title.replace(/[与和如何的]/g, ' ').trim(),
    summary,
    content: `<h2>${title}</h2><p>${summary}</p><ol><li>确认现象并记录时间、设备编号。</li><li>按本文步骤逐项检查。</li><li>仍未解决时，提交工单并附上截图或日志。</li></ol>`,
    status,
    ...(status === 'published' || status === 'archived' ? { published_at: datetime(-int(20, 300)) } : {}),
    view_count: status === 'published' ? int(30, 2000) : 0,
    helpful_count: status === 'published' ? int(3, 120) : 0,
  };
});

const campaignRows = [
  ['camp-01', '2026 中国国际工业博览会', 'exhibition', 'completed', -65, -61, '上海国家会展中心', 180000, 172500, 1500000, 300],
  ['camp-02', '智能制造数字化转型研讨会（杭州站）', 'seminar', 'completed', -120, -120, '杭州国际博览中心', 60000, 52800, 600000, 120],
  ['camp-03', '智能制造数字化转型研讨会（苏州站）', 'seminar', 'completed', -90, -90, '苏州国际会议酒店', 55000, 49600, 500000, 100],
  ['camp-04', '搜索引擎推广 2026 下半年', 'online_ads', 'in_progress', -140, 40, '百度 / 360 / 搜狗', 240000, 198000, 2000000, 800],
  ['camp-05', '工厂数字化直播课：从 Excel 到 MES', 'live', 'completed', -45, -45, '视频号 / 抖音直播', 20000, 16500, 300000, 2000],
  ['camp-06', '老客户续约关怀短信', 'sms', 'completed', -30, -28, '短信平台', 3000, 2650, 200000, 400],
  ['camp-07', '季度产品更新邮件', 'email', 'completed', -50, -50, 'EDM', 2000, 1200, 100000, 1500],
  ['camp-08', '制造业 CIO 私享会社群运营', 'community', 'in_progress', -200, 60, '企业微信社群', 36000, 21000, 800000, 300],
  ['camp-09', '2026 华南国际工业自动化展', 'exhibition', 'completed', -160, -157, '深圳国际会展中心', 150000, 146000, 1200000, 250],
  ['camp-10', '新品发布会：设备物联平台 3.0', 'seminar', 'planned', 25, 25, '杭州云栖小镇', 80000, 0, 800000, 150],
  ['camp-11', '年终客户答谢会', 'seminar', 'planned', 35, 35, '上海', 120000, 0, 0, 200],
  ['camp-12', '朋友圈广告投放（制造业定向）', 'online_ads', 'cancelled', 10, 40, '微信广告', 50000, 0, 300000, 500],
];
const campaign = campaignRows.map(([key, name, type, status, s, e, location, budget, cost, revenue, responses]) => ({
  $key: key,
  $owner: manager,
  name,
  type,
  status,
  start_date: date(s),
  end_date: date(e),
  location,
  budget,
  ...(cost ? { actual_cost: cost } : {}),
  ...(revenue ? { expected_revenue: revenue } : {}),
  expected_responses: responses,
  description: `${name}：面向制造业与商贸企业的获客活动。`,
}));
const doneCampaigns = campaignRows.filter((c) => c[3] !== 'planned' && c[3] !== 'cancelled').map((c) => c[0]);

const stageInfo = {
  initial: [10, 'open'],
  needs: [20, 'open'],
  proposal: [40, 'open'],
  quote: [60, 'open'],
  negotiation: [80, 'open'],
  won: [100, 'won'],
  lost: [0, 'lost'],
};
const stagePlan = [
  ['initial', 24],
  ['needs', 24],
  ['proposal', 24],
  ['quote', 20],
  ['negotiation', 16],
  ['won', 44],
  ['lost', 22],
];
const bundles = [
  ['数字化工厂一期', ['prd-sw-mes-base', 'prd-iot-gw-4g', 'prd-iot-hmi-15', 'prd-svc-impl-day']],
  ['ERP 升级项目', ['prd-sw-erp-ent', 'prd-svc-impl-day', 'prd-svc-data-mig', 'prd-svc-trn-day']],
  ['进销存系统', ['prd-sw-erp-std', 'prd-term-pda-5', 'prd-svc-impl-day']],
  ['仓储条码化', ['prd-sw-wms-std', 'prd-term-pda-5', 'prd-term-prn-l', 'prd-acc-lbl-100']],
  ['机房与网络改造', ['prd-srv-2u-g5', 'prd-net-sw-48', 'prd-net-fw-500', 'prd-acc-ups-3k', 'prd-acc-rack-42']],
  ['无线网络覆盖', ['prd-net-ap-6', 'prd-net-sw-24p', 'prd-svc-impl-day']],
  ['设备联网与能耗监测', ['prd-sw-ems-iot', 'prd-iot-plc-dc', 'prd-iot-sen-th', 'prd-iot-gw-4g']],
  ['CRM 订阅', ['prd-sw-crm-pro', 'prd-svc-impl-day']],
  ['云上部署', ['prd-cld-ecs-4c', 'prd-cld-bak-1t', 'prd-svc-impl-day']],
  ['年度运维', ['prd-svc-om-year']],
  ['质量管理系统', ['prd-sw-qms-std', 'prd-svc-impl-day', 'prd-svc-trn-day']],
  ['协同办公平台', ['prd-sw-oa-std', 'prd-svc-impl-day']],
  ['存储扩容', ['prd-sto-nas-8', 'prd-srv-1u-g5']],
  ['数字化转型咨询', ['prd-svc-cons-dx']],
];
const prodByKey = new Map(products.map((p) => [p.key, p]));
const qtyFor = (p) => {
  const unit = p.row[4];
  if (unit === 'man_day') return int(5, 40);
  if (unit === 'user_year') return int(10, 80);
  if (['license', 'set', 'times', 'year'].includes(unit)) return 1;
  if (unit === 'box') return int(5, 30);
  if (p.price < 1000) return int(10, 60);
  if (p.price < 10000) return int(2, 20);
  return int(1, 4);
};
const lineAmount = (l) => round2(l.qty * l.unit_price * (1 - (l.discount ?? 0) / 100));

const opportunity = [];
const opps = [];
const candidates = accounts.filter((a) => !a.inPool && !a.individual && a.lifecycle !== 'prospect');
let oppNo = 0;
for (const [stage, count] of stagePlan) {
  for (let k = 0; k < count; k++) {
    const a = stage === 'won' ? pick(candidates.filter((x) => ['customer', 'repeat'].includes(x.lifecycle))) : pick(candidates);
    const [bname, bkeys] = pick(bundles);
    const chosen = bkeys.filter((_, j) => j === 0 || chance(0.75));
    const lines = chosen.map((pk, j) => {
      const p = prodByKey.get(pk);
      const l = { product: ref(pk), spec: p.spec, qty: qtyFor(p), unit_price: p.price, discount: pick([0, 0, 0, 5, 8, 10]), sort: j + 1 };
      return l;
    });
    const amount = round2(lines.reduce((s, l) => s + lineAmount(l), 0));
    const [probability, result] = stageInfo[stage];
    const key = `opp-${pad(++oppNo, 3)}`;
    const cons = contactsOf.get(a.key);
    const type = a.lifecycle === 'repeat' ? pick(['upsell', 'renewal']) : bname === '年度运维' ? 'renewal' : 'new';
    const closedOffset = -int(5, 300);
    const campaignKey = chance(0.3) ? pick(doneCampaigns) : null;
    const rec = {
      $key: key,
      $owner: a.owner,
      name: `${a.name.replace(/(股份)?有限公司$/, '')}${bname}`,
      account: ref(a.key),
      contact: ref(cons[0].key),
      pipeline: type === 'renewal' ? 'renewal' : 'standard',
      stage,
      probability: result === 'open' && chance(0.15) ? Math.min(95, probability + pick([-5, 5, 10])) : probability,
      amount,
      expected_close_date: result === 'open' ? date(int(10, 180)) : date(closedOffset),
      type,
      source: campaignKey ? 'campaign' : a.rec.source,
      ...(campaignKey ? { campaign: ref(campaignKey) } : {}),
      result: stage === 'initial' && k < 3 ? 'invalid' : result,
      ...(result !== 'open' ? { closed_at: datetime(closedOffset) } : {}),
      ...(result === 'open'
        ? {
            next_step: pick(['安排技术交流', '提交方案', '客户内部评审', '准备报价', '商务谈判', '确认采购流程', '现场演示']),
            next_follow_up_at: datetime(int(1, 21)),
          }
        : {}),
      ...(result === 'open' && amount > 100000 && chance(0.25) ? { at_risk: true } : {}),
      last_follow_up_at: datetime(result === 'open' ? -int(1, 20) : closedOffset - int(0, 5)),
      lines,
      contact_roles: cons.slice(0, int(1, cons.length)).map((c, j) => ({
        contact: ref(c.key),
        role: c.role,
        attitude: pick(['supporter', 'neutral', 'neutral', 'opponent']),
        is_primary: j === 0,
      })),
    };
    if (stage === 'initial' && k < 3) {
      rec.probability = 0;
      rec.closed_at = datetime(-int(5, 60));
      delete rec.next_step;
      delete rec.next_follow_up_at;
    }
    if (stage === 'lost') {
      rec.lost_reason = weighted([
        ['price', 5],
        ['competitor', 6],
        ['product', 3],
        ['budget', 3],
        ['need_changed', 2],
        ['relationship', 1],
        ['timing', 1],
      ]);
      rec.lost_detail = pick([
        '客户最终选择了报价更低的方案。',
        '客户预算被砍，项目推迟到明年。',
        '功能覆盖不如对手，尤其是移动端。',
        '决策人更换，新领导倾向原有供应商。',
      ]);
    }
    if (['proposal', 'quote', 'negotiation', 'won', 'lost'].includes(stage) && chance(0.6)) {
      rec.competitors = sample(competitor, int(1, 2)).map((c) => ({
        competitor: ref(c.$key),
        threat: pick(['high', 'medium', 'low']),
        ...(chance(0.5) ? { their_price: round2(amount * (0.75 + rand() * 0.3)) } : {}),
        strengths: c.strengths,
        weaknesses: c.weaknesses,
      }));
    }
    opportunity.push(rec);
    opps.push({ key, stage, result: rec.result, amount, account: a, lines, closedOffset, name: rec.name, contact: cons[0].key, owner: a.owner, type });
  }
}

// quotes: opportunities at 报价 / 谈判 / 赢单 (and some lost ones)
const quote = [];
const quotesOf = new Map();
let qNo = 0;
for (const o of opps) {
  if (!['quote', 'negotiation', 'won', 'lost'].includes(o.stage) || (o.stage === 'lost' && chance(0.5))) continue;
  const status = {
    quote: pick(['draft', 'approving', 'approved', 'sent']),
    negotiation: pick(['sent', 'sent', 'approving']),
    won: 'accepted',
    lost: 'rejected',
  }[o.stage];
  const qd = o.result === 'open' ? -int(3, 25) : o.closedOffset - int(7, 30);
  const key = `qt-${pad(++qNo, 3)}`;
  const lines = o.lines.map((l) => ({ ...l, tax_rate: prodByKey.get(l.product.$ref).tax }));
  const subtotal = lines.reduce((s, l) => s + lineAmount(l), 0);
  const discount = chance(0.4) ? Math.round((subtotal * pick([0.01, 0.02, 0.03, 0.05])) / 100) * 100 : 0;
  quote.push({
    $key: key,
    $owner: o.owner,
    title: `${o.name}报价`,
    account: ref(o.account.key),
    opportunity: ref(o.key),
    contact: ref(o.contact),
    quote_date: date(qd),
    valid_until: date(qd + 30),
    status,
    discount_amount: discount,
    payment_terms: pick(['合同签订后预付 30%，到货验收后付 60%，质保金 10% 一年后支付。', '合同签订后 7 个工作日内付 50%，上线验收后付 50%。', '一次性付清。']),
    delivery_terms: pick(['合同生效后 15 个工作日内到货。', '合同生效后 30 日内完成部署上线。', '现货，款到发货。']),
    lines,
  });
  quotesOf.set(o.key, { key, discount });
}

// contracts: every won opportunity, plus service renewals without an opportunity
const contract = [];
const contracts = [];
let cNo = 0;
for (const o of opps.filter((x) => x.result === 'won')) {
  const q = quotesOf.get(o.key);
  const amount = round2(o.lines.reduce((s, l) => s + lineAmount(l), 0) - (q?.discount ?? 0));
  const sign = o.closedOffset;
  const status = sign > -25 && chance(0.4) ? 'approving' : sign < -200 && chance(0.6) ? 'completed' : 'active';
  const isService = o.lines.every((l) => l.product.$ref.startsWith('prd-svc') || l.product.$ref.startsWith('prd-cld'));
  const key = `ct-${pad(++cNo, 3)}`;
  const end = sign + (isService ? 365 : int(90, 365));
  contract.push({
    $key: key,
    $owner: o.owner,
    name: o.name.replace(/项目$/, '') + (isService ? '服务合同' : '采购合同'),
    account: ref(o.account.key),
    opportunity: ref(o.key),
    ...(q ? { quote: ref(q.key) } : {}),
    type: isService ? 'service' : 'sales',
    status,
    amount,
    sign_date: date(sign),
    start_date: date(sign + 1),
    end_date: date(end),
    customer_signer: ref(o.contact),
    payment_terms: '合同签订后预付 30%，交付验收后付 60%，尾款 10% 于验收一年后支付。',
    lines: o.lines.map((l) => ({ ...l, tax_rate: prodByKey.get(l.product.$ref).tax, delivery_date: date(sign + int(10, 60)) })),
  });
  contracts.push({ key, amount, sign, status, account: o.account, owner: o.owner, end });
}
for (const a of sample(
  accounts.filter((x) => x.lifecycle === 'repeat'),
  10,
)) {
  const sign = -int(20, 330);
  const p = prodByKey.get(pick(['prd-svc-om-year', 'prd-svc-om-vip', 'prd-cld-saas-erp']));
  const qty = p.row[4] === 'user_year' ? int(20, 60) : 1;
  const key = `ct-${pad(++cNo, 3)}`;
  const amount = round2(qty * p.price);
  const framework = chance(0.3);
  contract.push({
    $key: key,
    ...(a.owner ? { $owner: a.owner } : {}),
    name: `${a.name.replace(/(股份)?有限公司$/, '')}${framework ? '年度采购框架协议' : `${p.name}续约合同`}`,
    account: ref(a.key),
    type: framework ? 'framework' : 'service',
    status: 'active',
    amount,
    sign_date: date(sign),
    start_date: date(sign + 1),
    end_date: date(sign + 365),
    customer_signer: ref(contactsOf.get(a.key)[0].key),
    payment_terms: '按季度预付服务费，每季度首月 10 日前支付。',
    lines: [{ product: ref(p.key), spec: p.spec, qty, unit_price: p.price, discount: 0, tax_rate: p.tax, sort: 1 }],
  });
  contracts.push({ key, amount, sign, status: 'active', account: a, owner: a.owner, end: sign + 365 });
}

// receivable plans, receipts and invoices
const receivablePlan = [];
const receipt = [];
const invoice = [];
let rNo = 0;
let iNo = 0;
for (const c of contracts) {
  if (c.status === 'approving') continue;
  const parts = c.amount < 50000 ? [1] : c.amount < 300000 ? [0.5, 0.5] : [0.3, 0.6, 0.1];
  let allocated = 0;
  parts.forEach((share, j) => {
    const planAmount = j === parts.length - 1 ? round2(c.amount - allocated) : round2(c.amount * share);
    allocated = round2(allocated + planAmount);
    const planOffset = c.sign + (j === 0 ? 7 : j === 1 ? int(45, 120) : 365);
    const key = `rp-${c.key.slice(3)}-${j + 1}`;
    let received = 0;
    if (planOffset < 0 && (c.status === 'completed' || chance(0.8))) received = chance(0.85) ? planAmount : round2(planAmount * 0.5);
    const status = received >= planAmount ? 'paid' : received > 0 ? 'partial' : planOffset < 0 ? 'overdue' : 'unpaid';
    receivablePlan.push({
      $key: key,
      ...(c.owner ? { $owner: c.owner } : {}),
      name: `第 ${j + 1} 期 ${['首付款', '到货/验收款', '质保金'][j] ?? '回款'}`,
      contract: ref(c.key),
      account: ref(c.account.key),
      instalment: j + 1,
      plan_date: date(planOffset),
      plan_amount: planAmount,
      status,
      reminder_days: 3,
    });
    if (received > 0) {
      const on = Math.min(-1, planOffset + int(-3, 20));
      const pending = on > -7 && chance(0.5);
      receipt.push({
        $key: `rc-${pad(++rNo, 3)}`,
        ...(c.owner ? { $owner: c.owner } : {}),
        contract: ref(c.key),
        plan: ref(key),
        account: ref(c.account.key),
        received_date: date(on),
        amount: received,
        method: weighted([
          ['bank_transfer', 12],
          ['acceptance_bill', 2],
          ['cheque', 1],
          ['wechat', 0.5],
          ['alipay', 0.5],
          ['cash', 0.2],
        ]),
        payer: c.account.name,
        bank_serial: `${int(1000, 9999)}${date(on).replaceAll('-', '')}${pad(int(0, 99999999), 8)}`,
        status: pending ? 'pending' : 'confirmed',
        ...(pending ? {} : { confirmed_at: datetime(on + 1) }),
      });
      if (chance(0.8)) {
        const special = c.account.rec.tax_no && chance(0.6);
        const st = on > -5 ? 'pending' : pick(['issued', 'sent', 'sent']);
        invoice.push({
          $key: `inv-${pad(++iNo, 3)}`,
          ...(c.owner ? { $owner: c.owner } : {}),
          contract: ref(c.key),
          account: ref(c.account.key),
          type: special ? 'vat_special' : on > -200 ? 'digital' : 'vat_normal',
          title: c.account.rec.invoice_title ?? c.account.name,
          ...(c.account.rec.tax_no ? { tax_no: c.account.rec.tax_no } : {}),
          ...(c.account.rec.invoice_address ? { address_phone: `${c.account.rec.invoice_address} ${c.account.rec.invoice_phone}` } : {}),
          ...(c.account.rec.bank_name ? { bank_info: `${c.account.rec.bank_name} ${c.account.rec.bank_account}` } : {}),
          amount: received,
          tax_rate: 13,
          ...(st !== 'pending' ? { invoice_no: `${2600000 + iNo}${pad(int(0, 99999999999), 11)}`.slice(0, 20), invoice_date: date(on + 2) } : {}),
          status: st,
          ...(st === 'sent' ? { express_no: `SF${int(1000000000, 9999999999)}` } : {}),
        });
      }
    }
  });
}

// leads
const lead = [];
const leadKeys = [];
const leadStatus = [
  ['new', 30],
  ['following', 45],
  ['nurturing', 25],
  ['converted', 35],
  ['invalid', 25],
];
const convertibleOpps = opps.filter((o) => o.result !== 'invalid');
let leadNo = 0;
for (const [status, count] of leadStatus) {
  for (let k = 0; k < count; k++) {
    const key = `lead-${pad(++leadNo, 3)}`;
    const city = weighted(cityWeights);
    const industry = weighted(industryWeights);
    const p = person();
    const [brand] = pick(brands);
    const [title] = pick(titles);
    const created = -int(1, 240);
    const campaignKey = chance(0.35) ? pick(doneCampaigns) : null;
    const source = campaignKey
      ? 'campaign'
      : weighted([
          ['website', 14],
          ['search_ads', 12],
          ['social_media', 6],
          ['wechat', 6],
          ['exhibition', 8],
          ['referral', 6],
          ['telemarketing', 5],
          ['channel', 4],
          ['other', 2],
        ]);
    const rec = {
      $key: key,
      $owner: status === 'new' && k % 3 === 0 ? null : reps[leadNo % 2],
      company: `${city[0]}${brand}${pick(industryTails[industry])}有限公司`,
      contact_name: p.name,
      gender: p.gender,
      mobile: mobile(),
      ...(chance(0.4) ? { email: `${p.pinyin}@${brand.length ? `${p.pinyin}${int(10, 99)}` : 'mail'}.com` } : {}),
      title,
      source,
      industry,
      province: city[1],
      city: city[0],
      status,
      rating: weighted([
        ['hot', 2],
        ['warm', 5],
        ['cold', 3],
      ]),
      score: int(0, 100),
      ...(campaignKey ? { campaign: ref(campaignKey) } : {}),
    };
    if (status !== 'new') rec.last_follow_up_at = datetime(Math.min(-1, created + int(1, 30)));
    if (['following', 'nurturing'].includes(status)) rec.next_follow_up_at = datetime(int(1, 30));
    if (status === 'invalid')
      rec.invalid_reason = weighted([
        ['unreachable', 5],
        ['no_need', 6],
        ['duplicate', 3],
        ['competitor', 1],
        ['fake', 2],
        ['no_budget', 4],
        ['other', 1],
      ]);
    if (status === 'converted') {
      const o = convertibleOpps[(k * 7) % convertibleOpps.length];
      Object.assign(rec, {
        company: o.account.name,
        converted_account: ref(o.account.key),
        converted_contact: ref(o.contact),
        converted_opportunity: ref(o.key),
        converted_at: datetime(Math.min(-1, created + int(5, 40))),
        rating: 'hot',
        score: int(70, 100),
      });
      rec.contact_name = contact.find((c) => c.$key === o.contact).name;
    }
    lead.push(rec);
    leadKeys.push({ key, status, campaign: campaignKey, owner: rec.$owner });
  }
}

// campaign members: leads from the campaign, plus contacts invited
const campaignMember = [];
for (const c of campaign) {
  if (c.status === 'planned' || c.status === 'cancelled') {
    for (const a of sample(candidates, 6)) campaignMember.push({ campaign: ref(c.$key), contact: ref(contactsOf.get(a.key)[0].key), status: 'invited' });
    continue;
  }
  for (const l of leadKeys.filter((x) => x.campaign === c.$key))
    campaignMember.push({
      campaign: ref(c.$key),
      lead: ref(l.key),
      status: pick(['registered', 'attended', 'attended', 'responded']),
      responded_at: `${c.start_date}T${pad(int(9, 17))}:00:00+08:00`,
    });
  for (const a of sample(candidates, int(4, 10)))
    campaignMember.push({ campaign: ref(c.$key), contact: ref(contactsOf.get(a.key)[0].key), status: pick(['invited', 'registered', 'attended', 'no_show']) });
}

// follow-ups
const followUp = [];
const fuTexts = {
  phone: ['电话沟通项目进展，客户表示下周内部评审。', '电话确认需求范围，重点关注库存准确率。', '回访使用情况，客户反馈整体满意。', '约定下次拜访时间。'],
  wechat: ['微信发送产品白皮书和同行业案例。', '微信沟通报价细节，客户希望再优惠。', '客户在微信群里提出两个功能问题，已解答。'],
  visit: ['上门拜访总经理和 IT 经理，演示了核心功能。', '到工厂现场调研产线，梳理出 12 个数据采集点。', '拜访采购部，了解供应商入围流程。'],
  online_meeting: ['线上会议演示系统，客户技术团队参加。', '线上评审方案，客户提出接口对接要求。'],
  email: ['邮件发送正式报价单和合同草稿。', '邮件确认实施计划和里程碑。'],
  sms: ['短信提醒客户参加研讨会。'],
  other: ['在展会现场交流，客户对设备联网方案感兴趣。'],
};
const fuType = () =>
  weighted([
    ['phone', 10],
    ['wechat', 8],
    ['visit', 5],
    ['online_meeting', 4],
    ['email', 3],
    ['sms', 1],
    ['other', 1],
  ]);
function addFollowUp(offset, owner, rel, next) {
  const type = fuType();
  followUp.push({
    ...(owner ? { $owner: owner } : {}),
    subject: { phone: '电话沟通', wechat: '微信沟通', visit: '上门拜访', online_meeting: '线上会议', email: '邮件往来', sms: '短信提醒', other: '其他' }[type],
    type,
    content: pick(fuTexts[type]),
    followed_at: datetime(offset),
    ...rel,
    ...(type === 'visit' ? { location: '客户公司' } : {}),
    ...(next ? { next_follow_up_at: datetime(next), next_action: pick(['发送方案', '安排演示', '确认预算', '跟进审批进度', '提交报价', '回访']) } : {}),
  });
}
for (const a of accounts.filter((x) => !x.inPool && x.lifecycle !== 'prospect')) {
  const c = contactsOf.get(a.key)[0];
  addFollowUp(a.lastOffset, a.owner, { account: ref(a.key), contact: ref(c.key) }, a.lifecycle !== 'churned' ? int(1, 30) : null);
  if (chance(0.15)) addFollowUp(a.lastOffset - int(10, 60), a.owner, { account: ref(a.key), contact: ref(c.key) });
}
for (const o of opps) {
  const k = o.result === 'open' ? int(1, 2) : 1;
  for (let j = 0; j < k; j++) {
    const off = o.result === 'open' ? -int(1, 40) : o.closedOffset - int(0, 40);
    addFollowUp(
      off,
      o.owner,
      { account: ref(o.account.key), contact: ref(o.contact), opportunity: ref(o.key) },
      o.result === 'open' && j === 0 ? int(1, 21) : null,
    );
  }
}
for (const l of leadKeys.filter((x) => x.status !== 'new'))
  addFollowUp(-int(1, 90), l.owner, { lead: ref(l.key) }, ['following', 'nurturing'].includes(l.status) ? int(1, 30) : null);
for (const c of contracts.filter((x) => x.status !== 'approving').slice(0, 25))
  addFollowUp(Math.min(-1, c.sign + int(30, 120)), c.owner, { account: ref(c.account.key), contract: ref(c.key) });

// tickets
const ticket = [];
const ticketSubjects = [
  ['fault', 'PDA 扫码后无法上传数据', 'prd-term-pda-5'],
  ['fault', '物联网网关频繁离线', 'prd-iot-gw-4g'],
  ['fault', '服务器硬盘告警', 'prd-srv-2u-g5'],
  ['fault', '标签打印机打印偏移', 'prd-term-prn-l'],
  ['fault', 'MES 报工页面加载缓慢', 'prd-sw-mes-base'],
  ['consult', '如何新增 ERP 用户', 'prd-sw-erp-ent'],
  ['consult', '云主机如何续费', 'prd-cld-ecs-4c'],
  ['consult', 'WMS 如何设置库位规则', 'prd-sw-wms-std'],
  ['complaint', '实施顾问多次改期', 'prd-svc-impl-day'],
  ['complaint', '发票寄送延误', null],
  ['requirement', '希望报表支持按车间导出', 'prd-sw-mes-base'],
  ['requirement', '希望增加企业微信消息提醒', 'prd-sw-oa-std'],
  ['return', '无线 AP 到货外观破损需更换', 'prd-net-ap-6'],
  ['return', '扫描枪型号发错', 'prd-term-scn-2d'],
];
const slaHours = { urgent: [0.25, 4], high: [1, 8], medium: [4, 48], low: [8, 120] };
const customerAccounts = [...new Set(contracts.map((c) => c.account))];
for (let k = 0; k < 90; k++) {
  const a = pick(customerAccounts);
  const [type, subject, prd] = pick(ticketSubjects);
  const priority =
    type === 'fault'
      ? weighted([
          ['urgent', 2],
          ['high', 4],
          ['medium', 3],
        ])
      : type === 'complaint'
        ? 'high'
        : weighted([
            ['medium', 5],
            ['low', 4],
          ]);
  const createdOffset = -int(0, 120);
  const status =
    createdOffset > -3
      ? weighted([
          ['new', 3],
          ['in_progress', 3],
        ])
      : weighted([
          ['in_progress', 2],
          ['pending_customer', 2],
          ['resolved', 3],
          ['closed', 8],
          ['reopened', 0.5],
        ]);
  const hour = int(8, 17);
  const created = new Date(`${datetime(createdOffset, hour, 0).slice(0, 19)}+08:00`).getTime();
  const iso = (ms) => `${new Date(ms + 8 * 3600000).toISOString().slice(0, 16)}:00+08:00`;
  const [respH, resolveH] = slaHours[priority];
  const done = ['resolved', 'closed'].includes(status);
  const breached = chance(0.12);
  const c = contactsOf.get(a.key)[0];
  const ct = contracts.find((x) => x.account === a);
  ticket.push({
    $key: `tk-${pad(k + 1, 3)}`,
    subject,
    account: ref(a.key),
    contact: ref(c.key),
    ...(prd ? { product: ref(prd) } : {}),
    ...(ct ? { contract: ref(ct.key) } : {}),
    type,
    priority,
    status,
    channel: weighted([
      ['phone', 5],
      ['wechat', 4],
      ['email', 2],
      ['online_chat', 2],
      ['web_form', 1],
      ['onsite', 0.5],
    ]),
    sla_policy: ref(a.level === 'A' ? 'sla-vip' : a.level === 'C' && ['consult', 'requirement'].includes(type) ? 'sla-basic' : 'sla-standard'),
    response_due_at: iso(created + respH * 3600000),
    resolve_due_at: iso(created + resolveH * 3600000),
    ...(status !== 'new' ? { first_responded_at: iso(created + respH * 3600000 * (breached ? 1.5 : 0.5)) } : {}),
    ...(done ? { resolved_at: iso(created + resolveH * 3600000 * (breached ? 1.4 : 0.6)) } : {}),
    ...(status === 'closed' ? { closed_at: iso(created + resolveH * 3600000 * 1.5 + DAY) } : {}),
    sla_status: done ? (breached ? 'breached' : 'met') : breached ? 'breached' : createdOffset > -2 ? 'on_track' : pick(['on_track', 'at_risk']),
    ...(status === 'closed'
      ? {
          satisfaction: weighted([
            ['5', 6],
            ['4', 4],
            ['3', 2],
            ['2', 0.5],
            ['1', 0.2],
          ]),
        }
      : {}),
    description: `${c.name}反馈：${subject}。请尽快处理。`,
    ...(done
      ? {
          resolution: pick([
            '远程协助重新配置后恢复正常。',
            '更换配件后测试通过。',
            '已提供操作指引，客户确认可以使用。',
            '已登记需求，纳入下个版本计划。',
            '已协调重新安排并致歉，客户接受。',
          ]),
        }
      : {}),
  });
}

// sales targets (company-wide; department and personal targets are set once the organisation exists)
const salesTarget = [];
for (const [period, contractTarget, receivedTarget] of [
  ['Q1', 3000000, 2500000],
  ['Q2', 3600000, 3000000],
  ['Q3', 4000000, 3400000],
  ['Q4', 4800000, 4200000],
]) {
  const sumIn = (list, field, dateField) => {
    const q = Number(period[1]);
    return round2(
      list
        .filter(
          (x) => x[dateField] && Number(x[dateField].slice(5, 7)) > (q - 1) * 3 && Number(x[dateField].slice(5, 7)) <= q * 3 && x[dateField].startsWith('2026'),
        )
        .reduce((s, x) => s + x[field], 0),
    );
  };
  salesTarget.push({
    name: `2026 年 ${period} 合同额目标`,
    year: 2026,
    period_type: 'quarter',
    period,
    target_type: 'company',
    metric: 'contract_amount',
    target_value: contractTarget,
    actual_value: sumIn(contract, 'amount', 'sign_date'),
  });
  salesTarget.push({
    name: `2026 年 ${period} 回款目标`,
    year: 2026,
    period_type: 'quarter',
    period,
    target_type: 'company',
    metric: 'received_amount',
    target_value: receivedTarget,
    actual_value: sumIn(receipt, 'amount', 'received_date'),
  });
}
salesTarget.push({
  name: '2026 年度合同额目标',
  year: 2026,
  period_type: 'year',
  period: 'FY',
  target_type: 'company',
  metric: 'contract_amount',
  target_value: 15400000,
});
salesTarget.push({
  name: '2026 年度新增客户数',
  year: 2026,
  period_type: 'year',
  period: 'FY',
  target_type: 'company',
  metric: 'new_customers',
  target_value: 60,
});

// tasks crm adds (related to opportunities, contracts and tickets)
const crmTask = [];
for (const o of opps.filter((x) => x.result === 'open').slice(0, 30))
  crmTask.push({
    $owner: o.owner,
    title: { initial: '约见关键人', needs: '整理需求调研纪要', proposal: '准备方案演示', quote: '准备报价单', negotiation: '跟进合同审批' }[o.stage],
    due_at: datetime(int(1, 14), 18, 0),
    priority: o.amount > 100000 ? 'high' : 'medium',
    status: pick(['not_started', 'in_progress']),
    account: ref(o.account.key),
    opportunity: ref(o.key),
  });
for (const c of contracts.filter((x) => x.status === 'active' && x.end < 60))
  crmTask.push({
    ...(c.owner ? { $owner: c.owner } : {}),
    title: '合同即将到期，联系客户续约',
    due_at: datetime(Math.max(1, c.end - 30), 18, 0),
    priority: 'high',
    status: 'not_started',
    account: ref(c.account.key),
    contract: ref(c.key),
  });
for (const t of ticket.filter((x) => x.priority === 'urgent' && !['resolved', 'closed'].includes(x.status)))
  crmTask.push({
    title: `紧急工单回访：${t.subject}`,
    due_at: datetime(1, 12, 0),
    priority: 'high',
    status: 'not_started',
    account: t.account,
    ticket: ref(t.$key),
  });

// ---- write
function write(pkg, object, records) {
  const dir = join(root, pkg, 'data');
  mkdirSync(dir, { recursive: true });
  // One record per line: small diffs, small files.
  writeFileSync(join(dir, `${object}.json`), `[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`);
  return `${pkg}/${object}: ${records.length}`;
}
const out = [
  write('core', 'product_category', productCategory),
  write('core', 'product', product),
  write('core', 'price_book', priceBook),
  write('core', 'account', account),
  write('core', 'contact', contact),
  write('core', 'task', coreTask),
  write('crm', 'competitor', competitor),
  write('crm', 'sla_policy', slaPolicy),
  write('crm', 'knowledge_article', knowledgeArticle),
  write('crm', 'campaign', campaign),
  write('crm', 'opportunity', opportunity),
  write('crm', 'lead', lead),
  write('crm', 'campaign_member', campaignMember),
  write('crm', 'quote', quote),
  write('crm', 'contract', contract),
  write('crm', 'receivable_plan', receivablePlan),
  write('crm', 'receipt', receipt),
  write('crm', 'invoice', invoice),
  write('crm', 'follow_up', followUp),
  write('crm', 'ticket', ticket),
  write('crm', 'sales_target', salesTarget),
  write('crm', 'task', crmTask),
];
console.log(out.join('\n'));
