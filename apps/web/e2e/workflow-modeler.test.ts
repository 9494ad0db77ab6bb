import type { Session } from '@tangram/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { connect, deselect, diagramToScreen, dropFromPalette, pickOnCanvas, poll, shape } from './support/modeler';
import { type RunningServer, startServer } from './support/server';
import { pickOption, signIn } from './support/ui';

// A business user draws the quote discount approval in 设计器 → 流程: drags an approval step and an
// exclusive gateway from the palette, connects start → gateway → step → end (the gateway's other
// way to a second end), sets the approvers (role 销售经理) and 会签 in the side panel, puts a
// condition from the filter builder on the gateway's flow to the step, saves and publishes; the
// published metadata holds the diagram with those tg: attributes. A .bpmn file from another
// modeler with an element outside the subset is refused with a message naming it.
describe.runIf(browserAvailable())('the process modeler (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);
  let admin: Session;
  /** The approval step and its flow to the end, drawn by the first test. */
  const drawn = { task: '', toEnd: '' };
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    srv.server.as(admin, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never });

  beforeAll(async () => {
    srv = await startServer();
    admin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
    const installed = await api('POST', '/templates/install', { name: 'crm' });
    expect(installed.statusCode, installed.body).toBe(200);
    browser = await launchBrowser({ width: 1600, height: 1000 });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('draws, configures, saves and publishes a quote approval', async () => {
    const { page } = browser;
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
    await page.goto(`${srv.url}/t/${srv.server.tenant}/design`);
    await page.getByRole('menuitem', { name: '流程' }).click();
    // The CRM template brings its own approvals.
    await page.getByTestId('workflow-list').getByText('quote_discount').waitFor();
    await page.getByRole('button', { name: '新建流程' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('流程名称').fill('大额报价审批');
    await dialog.getByLabel('标识').fill('quote_big_discount');
    // The object list is long (virtual): search it, then pick.
    await dialog.getByRole('combobox', { name: '对象' }).fill('报价单');
    await pickOption(page, dialog, '对象', '报价单');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await page.waitForURL(/\/design\/workflows\/quote_big_discount$/);
    await shape(page, 'StartEvent_1').waitFor();
    const at = await diagramToScreen(page);

    // The palette holds only the subset.
    const palette = await page.locator('.djs-palette .entry[data-action^="create."]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    expect(palette.sort()).toEqual(
      [
        'create.end-event',
        'create.exclusive-gateway',
        'create.inclusive-gateway',
        'create.parallel-gateway',
        'create.service-task',
        'create.start-event',
        'create.subprocess-expanded',
        'create.timer',
        'create.user-task',
      ].sort(),
    );

    const gateway = await dropFromPalette(page, 'create.exclusive-gateway', at(300, 200));
    const task = await dropFromPalette(page, 'create.user-task', at(480, 200));
    const otherEnd = await dropFromPalette(page, 'create.end-event', at(300, 340));
    await connect(page, 'StartEvent_1', gateway);
    const toTask = await connect(page, gateway, task);
    drawn.task = task;
    drawn.toEnd = await connect(page, task, 'EndEvent_1');
    const toEnd = await connect(page, gateway, otherEnd);

    // The approval step: name, approvers (role 销售经理), 会签.
    await shape(page, task).click();
    const panel = page.getByTestId('side-panel');
    await panel.getByTestId('user-task-panel').waitFor();
    await panel.getByLabel('名称').fill('销售经理审批');
    await panel.getByRole('button', { name: '添加审批人' }).click();
    await pickOption(page, panel.getByTestId('approver-row').first(), '角色', '销售经理');
    await panel.getByRole('radio', { name: '会签（全部同意）' }).check();
    // The context pad offers only the subset too.
    const pad = await page.locator('.djs-context-pad .entry').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    expect(pad.filter((a) => a?.startsWith('append.')).sort()).toEqual(
      ['append.end-event', 'append.exclusive-gateway', 'append.service-task', 'append.text-annotation', 'append.timer', 'append.user-task'].sort(),
    );

    // The condition on the gateway's way to the step: 整单优惠比例(%) > 10, from the filter builder.
    await pickOnCanvas(page, toTask, 'flow-panel');
    await panel.getByRole('button', { name: '添加条件' }).click();
    const condition = panel.getByTestId('filter-condition').first();
    await condition.getByRole('combobox', { name: '筛选字段' }).fill('整单优惠');
    await pickOption(page, condition, '筛选字段', '整单优惠比例(%)');
    await pickOption(page, condition, '运算符', '大于');
    await condition.getByLabel('筛选值').locator('input').fill('10');
    await condition.getByLabel('筛选值').locator('input').blur();
    // The other way is the default.
    await pickOnCanvas(page, toEnd, 'flow-panel');
    await panel
      .getByTestId('flow-panel')
      .getByRole('checkbox', { name: /默认路径/ })
      .check();

    // The workflow: status field 状态, 审批中 / 已通过 while running / approved.
    await deselect(page);
    await pickOption(page, panel, '状态字段', '状态');
    await pickOption(page, panel, '审批中', '审批中');
    await pickOption(page, panel, '已通过', '已通过');
    await poll(() => page.getByTestId('workflow-lint').textContent()).toContain('没有发现问题');
    await shot(page, 'workflow-01-drawn');

    await page.getByTestId('workflow-save').click();
    await page.getByTestId('workflow-saved').waitFor();
    await page.getByTestId('draft-saved').waitFor();
    await page.getByTestId('workflow-publish').click();
    await page.getByText('流程已发布').waitFor();
    await shot(page, 'workflow-02-published');

    const live = (await api('GET', '/metadata')).json().metadata.workflows.find((w: { name: string }) => w.name === 'quote_big_discount');
    expect(live).toMatchObject({
      name: 'quote_big_discount',
      label: { 'zh-CN': '大额报价审批' },
      enabled: true,
      statusValues: { running: 'approving', approved: 'approved' },
    });
    expect(live.bpmn).toContain('tg:mode="all"');
    const step = live.process.nodes.find((n: { id: string }) => n.id === task);
    expect(step).toMatchObject({ kind: 'userTask', name: '销售经理审批', mode: 'all', approvers: [{ kind: 'role', role: 'sales_manager' }] });
    expect(live.process.flows.find((f: { id: string }) => f.id === toTask).condition).toEqual({ '>': [{ var: 'discount_rate' }, 10] });
    expect(live.process.flows.find((f: { id: string }) => f.id === toEnd).default).toBe(true);
  });

  it('a designer who is no admin (CRM 管理员) picks approver roles by name', async () => {
    const { page } = browser;
    const email = `designer@${srv.server.domain}`;
    const added = await api('POST', '/members', { email, name: '孙设计', password: 'designer password 1', role: 'member' });
    expect(added.statusCode, added.body).toBe(201);
    expect((await api('PUT', `/access/users/${added.json().user.id}/roles`, { roles: ['crm_admin'] })).statusCode).toBe(200);
    await page.context().clearCookies();
    await signIn(page, srv.url, email, 'designer password 1');
    await page.goto(`${srv.url}/t/${srv.server.tenant}/design/workflows/quote_big_discount`);
    await shape(page, drawn.task).waitFor();
    await pickOnCanvas(page, drawn.task, 'user-task-panel');
    const panel = page.getByTestId('side-panel');
    await panel.getByRole('button', { name: '添加审批人' }).click();
    // The new row's role picker offers the tenant's roles (it read none for a member who may not read the access roles).
    await pickOption(page, panel.getByTestId('approver-row').last(), '角色', '法务');
    await panel.getByTestId('approver-row').last().locator('.ant-select-selection-item').filter({ hasText: '法务' }).waitFor();
    await page.getByTestId('workflow-save').click();
    await page.getByTestId('workflow-saved').waitFor();
    await page.context().clearCookies();
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
  });

  it('refuses a diagram from another modeler with an element outside the subset, naming it', async () => {
    const { page } = browser;
    // The template's approval (a .bpmn written outside this modeler) opens and passes the check.
    await page.goto(`${srv.url}/t/${srv.server.tenant}/design/workflows/quote_discount`);
    await page.getByTestId('bpmn-canvas').locator('.djs-shape').first().waitFor();
    await poll(() => page.getByTestId('workflow-lint').textContent()).toContain('没有发现问题');
    const before = (await api('GET', '/metadata/draft')).json().metadata.workflows;
    const foreign = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.0.0">
  <bpmn:process id="Process_1" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sendTask id="Send_1" name="发送报价" />
    <bpmn:endEvent id="EndEvent_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Send_1" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Send_1" targetRef="EndEvent_1" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Process_1">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1"><dc:Bounds x="152" y="82" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Send_1_di" bpmnElement="Send_1"><dc:Bounds x="240" y="60" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="EndEvent_1_di" bpmnElement="EndEvent_1"><dc:Bounds x="392" y="82" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1"><di:waypoint x="188" y="100" /><di:waypoint x="240" y="100" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_2_di" bpmnElement="Flow_2"><di:waypoint x="340" y="100" /><di:waypoint x="392" y="100" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`;
    await page.getByTestId('bpmn-file').setInputFiles({ name: 'camunda.bpmn', mimeType: 'application/xml', buffer: Buffer.from(foreign) });
    await shape(page, 'Send_1').waitFor();
    const refusal = page.getByTestId('workflow-refusal');
    await poll(() => refusal.textContent()).toContain('不支持的元素 bpmn:SendTask「发送报价」（Send_1）');
    await poll(() => page.getByTestId('workflow-lint').textContent()).toContain('bpmn:SendTask');
    await page.getByTestId('workflow-save').click();
    await poll(() => refusal.textContent()).toContain('未保存');
    await shot(page, 'workflow-03-refused');
    // Nothing of the file reached the draft.
    expect((await api('GET', '/metadata/draft')).json().metadata.workflows).toEqual(before);
  });

  it('shows publish problems at their element', async () => {
    const { page } = browser;
    await page.goto(`${srv.url}/t/${srv.server.tenant}/design/workflows/quote_big_discount`);
    await shape(page, drawn.task).waitFor();
    // The step's way to the end goes: the diagram is incomplete (saved as a draft, refused at publish).
    await pickOnCanvas(page, drawn.toEnd, 'side-panel');
    await page.locator('.djs-context-pad [data-action="delete"]').click();
    await poll(() => page.getByTestId('workflow-lint').locator('[data-kind="graph"]').count()).toBeGreaterThan(0);
    await page.getByTestId('workflow-save').click();
    await page.getByTestId('workflow-saved').waitFor();
    await page.getByTestId('workflow-publish').click();
    const problems = page.getByTestId('workflow-publish-problems');
    await problems.locator(`[data-element="${drawn.task}"]`).first().waitFor();
    await poll(() => shape(page, drawn.task).getAttribute('class')).toContain('tg-problem');
    await shot(page, 'workflow-04-publish-problem');
    // A click on the problem selects its element.
    await problems.locator(`[data-element="${drawn.task}"]`).first().click();
    await page.getByTestId('user-task-panel').waitFor();
  });
});
