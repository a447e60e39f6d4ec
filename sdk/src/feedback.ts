import { type LogAttributes, SeverityNumber } from '@opentelemetry/api-logs';
import { runtime } from './runtime.js';
import {
  ATTR_AIOBS_FEEDBACK_CORRECT,
  ATTR_AIOBS_FEEDBACK_LABEL,
  ATTR_AIOBS_FEEDBACK_SCORE,
  ATTR_AIOBS_FEEDBACK_VALUE,
  ATTR_AIOBS_PREDICTION_ID,
  EVENT_AIOBS_FEEDBACK,
} from './semconv.js';
import type { Feedback } from './types.js';

/**
 * Sends ground truth for an earlier prediction: an OTLP log record with event name
 * `aiobs.feedback` and `aiobs.prediction.id`, which the backend joins to the inference span to
 * compute accuracy per model, version and variant. Never throws; invalid fields are skipped.
 *
 * @example
 * const { predictionId } = await classify(tx);
 * // …later, when the chargeback arrives:
 * recordFeedback(predictionId, { label: 'fraud', correct: false });
 */
export function recordFeedback(predictionId: string, feedback: Feedback = {}): void {
  try {
    if (typeof predictionId !== 'string' || predictionId === '') return;
    const attributes: LogAttributes = {};
    const extra = feedback?.attributes;
    if (extra && typeof extra === 'object') Object.assign(attributes, extra);
    attributes[ATTR_AIOBS_PREDICTION_ID] = predictionId;
    if (typeof feedback?.label === 'string') attributes[ATTR_AIOBS_FEEDBACK_LABEL] = feedback.label;
    if (typeof feedback?.value === 'number' && Number.isFinite(feedback.value)) {
      attributes[ATTR_AIOBS_FEEDBACK_VALUE] = feedback.value;
    }
    if (typeof feedback?.correct === 'boolean')
      attributes[ATTR_AIOBS_FEEDBACK_CORRECT] = feedback.correct;
    if (typeof feedback?.score === 'number' && Number.isFinite(feedback.score)) {
      attributes[ATTR_AIOBS_FEEDBACK_SCORE] = feedback.score;
    }
    runtime.logger.emit({
      eventName: EVENT_AIOBS_FEEDBACK,
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      attributes,
    });
  } catch {
    // telemetry must not break the caller
  }
}
