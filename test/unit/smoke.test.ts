import { strict as assert } from 'node:assert';
import { CHUNK_TYPES } from '../../src/core/types';
describe('smoke', () => { it('loads types', () => assert.ok(CHUNK_TYPES.includes('risk'))); });
