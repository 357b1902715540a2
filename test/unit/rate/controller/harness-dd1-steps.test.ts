import { describeTargets } from './harness-targets.js';

describeTargets('dd1-steps');
