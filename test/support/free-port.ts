export { freeLoopbackPort as freePort } from '../../src/dev/free-port.js';
