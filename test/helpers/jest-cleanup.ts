import { removeTempDirs } from './temp';

// Every test file leaves the temporary folders its helpers made behind it: a run of the suite
// makes thousands.
afterAll(() => removeTempDirs());
