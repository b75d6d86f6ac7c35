// A script grader for the demo suite: an answer is helpful when it gives a concrete step or number and
// offers more help, and does not send the customer elsewhere. flowbench calls grade() once per result.
export function grade({ output }) {
  const concrete = /\d|Orders|click|choose|print|open/i.test(output);
  const offersMore = /anything else/i.test(output);
  const sendsAway = /(support team|FAQ|product page|help center)/i.test(output);
  const score = (concrete ? 0.5 : 0) + (offersMore ? 0.3 : 0) + (sendsAway ? 0 : 0.2);
  return { pass: score >= 0.7, score, reason: `concrete=${concrete} offers-more=${offersMore} sends-away=${sendsAway}` };
}
