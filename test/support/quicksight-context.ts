// The context value that adds the QuickSight stack to a synthesized app in tests.
export const quicksightContext = { quicksightPrincipal: 'arn:aws:quicksight:eu-west-1:123456789012:group/default/ml-team' };
