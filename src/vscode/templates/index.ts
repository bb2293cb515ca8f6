import { apiPrd } from './api-prd';
import { featurePrd } from './feature-prd';
import { minimalPrd } from './minimal-prd';
import type { PrdTemplate } from './template';

export type { PrdTemplate, TemplateValues } from './template';

/** The templates New PRD from Template offers, in this order. */
export const PRD_TEMPLATES: readonly PrdTemplate[] = [featurePrd, apiPrd, minimalPrd];
