export { type ModelStats, type RequestPlan, replyWordsFor } from "./model-state.js";
export { replyChunks, replyText } from "./reply.js";
export {
  DEFAULT_SCRIPT,
  describeIssues,
  ERROR_STATUSES,
  type Fault,
  faultSchema,
  type ModelScript,
  type ModelScriptPatch,
  modelScriptPatchSchema,
  type Scenario,
  scenarioSchema,
} from "./script.js";
export {
  createFakeUpstream,
  type FakeUpstream,
  type FakeUpstreamOptions,
  type LoggedRequest,
} from "./server.js";
