// The `tg:` moddle extension as the contract lists it (namespace
// https://tangram.dev/schema/bpmn/1). @tangram/bpmn exports the same descriptor as
// `tangramModdle`; this copy stands in until that package lands on this branch.
export const tangramModdle = {
  name: 'tangram',
  prefix: 'tg',
  uri: 'https://tangram.dev/schema/bpmn/1',
  xml: { tagAlias: 'lowerCase' },
  associations: [],
  types: [
    {
      name: 'ProcessProps',
      extends: ['bpmn:Process'],
      properties: [{ name: 'withdrawAfterApproval', isAttr: true, type: 'Boolean' }],
    },
    {
      name: 'UserTaskProps',
      extends: ['bpmn:UserTask'],
      properties: [
        { name: 'mode', isAttr: true, type: 'String' },
        { name: 'ratio', isAttr: true, type: 'Real' },
        { name: 'approvers', isAttr: true, type: 'String' },
        { name: 'whenNobody', isAttr: true, type: 'String' },
        { name: 'onReject', isAttr: true, type: 'String' },
        { name: 'autoApproveSubmitter', isAttr: true, type: 'Boolean' },
        { name: 'autoApproveRepeated', isAttr: true, type: 'Boolean' },
        { name: 'timeoutMinutes', isAttr: true, type: 'Real' },
        { name: 'timeoutAction', isAttr: true, type: 'String' },
        { name: 'fields', isAttr: true, type: 'String' },
      ],
    },
    {
      name: 'ServiceTaskProps',
      extends: ['bpmn:ServiceTask'],
      properties: [{ name: 'actions', isAttr: true, type: 'String' }],
    },
  ],
};
