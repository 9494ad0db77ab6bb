// The process model lives in @tangram/metadata (shared with @tangram/bpmn and the web); re-exported for the engine's modules.
export * from '@tangram/metadata/process';
