import { describeTargets } from './harness-targets.js';

describeTargets('dm1-stall');
