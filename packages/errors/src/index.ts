export { catalogue, type ErrorCode } from './catalogue';
export { AppError, isAppError, type Problem } from './app-error';
export { renderErrorsMarkdown } from './render-docs';
